package com.sandboxbroker.service.resources;

import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.service.api.AllocateResponse;
import com.sandboxbroker.service.api.DeletionMarkResponse;
import com.sandboxbroker.service.api.SandboxResponse;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.http.TrackHeaders;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * The track endpoints (contract §2). POSTs take no body; whatever content type a hook sends with
 * its empty body is accepted.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.TRACK)
public final class AllocationResource {
  private final Allocator allocator;

  public AllocationResource(Allocator allocator) {
    this.allocator = allocator;
  }

  @POST
  @Path("allocate")
  public Response allocate(
      @Context SecurityContext security,
      @HeaderParam(TrackHeaders.IDENTITY) String identityHeader,
      @HeaderParam(TrackHeaders.LEGACY_IDENTITY) String legacyIdentity,
      @HeaderParam(TrackHeaders.LAB) String labHeader,
      @HeaderParam(TrackHeaders.NAME_PREFIX) String prefixHeader,
      @HeaderParam(TrackHeaders.IDEMPOTENCY_KEY) String keyHeader) {
    Caller caller = (Caller) security.getUserPrincipal();
    String identity = TrackHeaders.identity(identityHeader, legacyIdentity);
    String lab = lab(caller, labHeader);
    String prefix = prefix(caller, prefixHeader);
    String key =
        TrackHeaders.optional(keyHeader, TrackHeaders.IDEMPOTENCY_KEY, "INVALID_IDEMPOTENCY_KEY")
            .orElse(identity);
    Allocation allocation =
        allocator.allocate(new AllocationRequest(identity, key, lab, prefix, caller.leaseOverride()));
    return Response.status(allocation.created() ? 201 : 200)
        .entity(AllocateResponse.from(allocation))
        .build();
  }

  @GET
  @Path("sandboxes/{sandboxId}")
  public SandboxResponse get(
      @PathParam("sandboxId") String sandboxId,
      @HeaderParam(TrackHeaders.IDENTITY) String identityHeader,
      @HeaderParam(TrackHeaders.LEGACY_IDENTITY) String legacyIdentity) {
    String identity = TrackHeaders.identity(identityHeader, legacyIdentity);
    return SandboxResponse.from(allocator.ownerView(SandboxIds.valid(sandboxId), identity));
  }

  @POST
  @Path("sandboxes/{sandboxId}/mark-for-deletion")
  public DeletionMarkResponse markForDeletion(
      @PathParam("sandboxId") String sandboxId,
      @HeaderParam(TrackHeaders.IDENTITY) String identityHeader,
      @HeaderParam(TrackHeaders.LEGACY_IDENTITY) String legacyIdentity) {
    String identity = TrackHeaders.identity(identityHeader, legacyIdentity);
    return DeletionMarkResponse.from(allocator.markForDeletion(SandboxIds.valid(sandboxId), identity));
  }

  private static String lab(Caller caller, String header) {
    var requested = TrackHeaders.optional(header, TrackHeaders.LAB, "INVALID_TRACK_ID");
    if (caller.lab().isPresent() && requested.isPresent() && !requested.equals(caller.lab())) {
      throw ApiException.forbidden("LAB_NOT_ALLOWED", "This token is bound to another lab");
    }
    return requested.or(caller::lab).orElse("");
  }

  private static String prefix(Caller caller, String header) {
    var requested = TrackHeaders.optional(header, TrackHeaders.NAME_PREFIX, "INVALID_NAME_PREFIX");
    if (requested.isPresent() && !caller.allowsPrefix(requested.get())) {
      throw ApiException.forbidden(
          "PREFIX_NOT_ALLOWED", "This token may not allocate sandboxes with that name prefix");
    }
    return requested.or(caller::defaultPrefix).orElse("");
  }
}
