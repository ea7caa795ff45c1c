package com.sandboxbroker.service.resources;

import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.service.api.AllocateResponse;
import com.sandboxbroker.service.api.DeletionMarkResponse;
import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.api.SandboxResponse;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.http.TrackHeaders;
import com.sandboxbroker.service.observability.ApiAction;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The track endpoints (contract §2). POSTs take no body; whatever content type a hook sends with
 * its empty body is accepted.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.TRACK)
@Tag(name = "track", description = "Lab track endpoints (track token)")
public final class AllocationResource {
  private static final Logger LOG = LoggerFactory.getLogger(AllocationResource.class);
  private final Allocator allocator;

  public AllocationResource(Allocator allocator) {
    this.allocator = allocator;
  }

  @POST
  @Path("allocate")
  @ApiAction("allocate")
  @Operation(
      summary = "Allocate a sandbox to the identity",
      description =
          "Gives the identity one available sandbox (201) or returns the one it already holds for"
              + " the same Idempotency-Key (200, same body). Takes no body; send none or an empty"
              + " one with any content type. Identities, Idempotency-Keys and the identity cap"
              + " count per tenant (the token's): the same identity under two tenants is two"
              + " learners. A token bound to a lab records its lab whatever X-Instruqt-Track-ID"
              + " says (a different value is logged, not refused: the header is no credential,"
              + " and deployed hooks retry a 403 until they time out).")
  @ApiResponse(
      responseCode = "201",
      description = "New allocation",
      content = @Content(schema = @Schema(implementation = AllocateResponse.class)))
  @ApiResponse(
      responseCode = "200",
      description = "Replay of the identity's live allocation",
      content = @Content(schema = @Schema(implementation = AllocateResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description =
          "MISSING_SANDBOX_ID, INVALID_SANDBOX_ID, INVALID_TRACK_ID, INVALID_NAME_PREFIX, INVALID_IDEMPOTENCY_KEY",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "403",
      description = "FORBIDDEN (not a track token), PREFIX_NOT_ALLOWED",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "409",
      description =
          "NO_SANDBOXES_AVAILABLE (retry_after 30, reason pool_empty|no_prefix_match, Retry-After header) or IDENTITY_LIMIT_REACHED",
      headers =
          @Header(
              name = "Retry-After",
              description = "Seconds (NO_SANDBOXES_AVAILABLE only)",
              schema = @Schema(type = "integer")),
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "503",
      description =
          "ALLOCATION_TIMEOUT (claims kept failing within the time budget, or every remaining matching sandbox was held by a claim still in flight) or SERVICE_UNAVAILABLE (the store is briefly unreachable): nothing was allocated twice; retry after Retry-After",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public Response allocate(
      @Context SecurityContext security,
      @Parameter(description = "The learner's identity (Instruqt participant id), ≤ 256 characters")
          @HeaderParam(TrackHeaders.IDENTITY)
          String identityHeader,
      @Parameter(
              description =
                  "Legacy identity header, used when X-Instruqt-Sandbox-ID is absent or blank")
          @HeaderParam(TrackHeaders.LEGACY_IDENTITY)
          String legacyIdentity,
      @Parameter(description = "Lab label, stored as track_name") @HeaderParam(TrackHeaders.LAB)
          String labHeader,
      @Parameter(description = "Only sandboxes whose name starts with this (case-sensitive)")
          @HeaderParam(TrackHeaders.NAME_PREFIX)
          String prefixHeader,
      @Parameter(description = "Defaults to the identity; the same key replays the same allocation")
          @HeaderParam(TrackHeaders.IDEMPOTENCY_KEY)
          String keyHeader) {
    return answer(
        (Caller) security.getUserPrincipal(),
        identityHeader,
        legacyIdentity,
        labHeader,
        prefixHeader,
        keyHeader);
  }

  /**
   * Allocate for {@code caller} from the request's track headers: what both the JAX-RS method and
   * {@link AllocateServletFilter} answer with. A refusal is an exception for the mappers.
   */
  Response answer(
      Caller caller,
      String identityHeader,
      String legacyIdentity,
      String labHeader,
      String prefixHeader,
      String keyHeader) {
    String identity = TrackHeaders.identity(identityHeader, legacyIdentity);
    String lab = lab(caller, labHeader);
    String prefix = prefix(caller, prefixHeader);
    String key =
        TrackHeaders.optional(
                keyHeader, TrackHeaders.IDEMPOTENCY_KEY, ErrorCode.INVALID_IDEMPOTENCY_KEY)
            .orElse(identity);
    Allocation allocation =
        allocator.allocate(
            new AllocationRequest(
                identity,
                key,
                lab,
                prefix,
                caller.leaseOverride(),
                caller.tenant(),
                caller.identityCap()));
    return Response.status(allocation.created() ? 201 : 200)
        .entity(AllocateResponse.from(allocation))
        .build();
  }

  @GET
  @Path("sandboxes/{sandboxId}")
  @ApiAction("owner_view")
  @Operation(
      summary = "The owner's view of a sandbox",
      description =
          "Visible to its owner in every status until the record is gone. Another tenant's sandbox is 404 SANDBOX_NOT_FOUND (its existence is not revealed); another identity's of the same tenant is 403 NOT_SANDBOX_OWNER.")
  @ApiResponse(
      responseCode = "200",
      description = "The sandbox",
      content = @Content(schema = @Schema(implementation = SandboxResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description = "MISSING_SANDBOX_ID, INVALID_SANDBOX_ID",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "403",
      description = "NOT_SANDBOX_OWNER, or FORBIDDEN (not a track token)",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "SANDBOX_NOT_FOUND",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public SandboxResponse get(
      @Context SecurityContext security,
      @PathParam("sandboxId") String sandboxId,
      @Parameter(description = "The learner's identity") @HeaderParam(TrackHeaders.IDENTITY)
          String identityHeader,
      @Parameter(description = "Legacy identity header") @HeaderParam(TrackHeaders.LEGACY_IDENTITY)
          String legacyIdentity) {
    String identity = TrackHeaders.identity(identityHeader, legacyIdentity);
    return SandboxResponse.from(
        allocator.ownerView(SandboxIds.valid(sandboxId), tenant(security), identity));
  }

  @POST
  @Path("sandboxes/{sandboxId}/mark-for-deletion")
  @ApiAction("mark_for_deletion")
  @Operation(
      summary = "Release the sandbox for deletion",
      description =
          "Idempotent: the owner repeating the call gets 200 and the same deletion_requested_at, also after cleanup finished. Another tenant's sandbox is 404 SANDBOX_NOT_FOUND and stays untouched. Takes no body.")
  @ApiResponse(
      responseCode = "200",
      description = "Marked (or already marked/deleted)",
      content = @Content(schema = @Schema(implementation = DeletionMarkResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description = "MISSING_SANDBOX_ID, INVALID_SANDBOX_ID",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "403",
      description = "NOT_SANDBOX_OWNER, or FORBIDDEN (not a track token)",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "SANDBOX_NOT_FOUND (never existed, or retention passed)",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public DeletionMarkResponse markForDeletion(
      @Context SecurityContext security,
      @PathParam("sandboxId") String sandboxId,
      @Parameter(description = "The learner's identity") @HeaderParam(TrackHeaders.IDENTITY)
          String identityHeader,
      @Parameter(description = "Legacy identity header") @HeaderParam(TrackHeaders.LEGACY_IDENTITY)
          String legacyIdentity) {
    String identity = TrackHeaders.identity(identityHeader, legacyIdentity);
    return DeletionMarkResponse.from(
        allocator.markForDeletion(SandboxIds.valid(sandboxId), tenant(security), identity));
  }

  private static String tenant(SecurityContext security) {
    return ((Caller) security.getUserPrincipal()).tenant();
  }

  /**
   * The lab label. A lab-bound token's lab wins over whatever X-Instruqt-Track-ID the caller sends:
   * the header is the hook's own metadata, not a credential (a caller could simply omit it), so
   * refusing a mismatch would protect nothing, and a 403 would make the deployed hook retry a
   * request that can never succeed until it times out. The mismatch is logged for the operator.
   */
  private static String lab(Caller caller, String header) {
    var requested = TrackHeaders.optional(header, TrackHeaders.LAB, ErrorCode.INVALID_TRACK_ID);
    if (caller.lab().isPresent()) {
      if (requested.isPresent() && !requested.equals(caller.lab())) {
        LOG.warn(
            "token {} is bound to lab {}; the request's X-Instruqt-Track-ID {} was replaced by it",
            caller.name(),
            caller.lab().get(),
            requested.get());
      }
      return caller.lab().get();
    }
    return requested.orElse("");
  }

  private static String prefix(Caller caller, String header) {
    var requested =
        TrackHeaders.optional(header, TrackHeaders.NAME_PREFIX, ErrorCode.INVALID_NAME_PREFIX);
    if (requested.isPresent() && !caller.allowsPrefix(requested.get())) {
      throw new ApiException(
          ErrorCode.PREFIX_NOT_ALLOWED,
          "This token may not allocate sandboxes with that name prefix");
    }
    return requested.or(caller::defaultPrefix).orElse("");
  }
}
