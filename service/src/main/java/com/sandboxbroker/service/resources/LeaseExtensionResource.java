package com.sandboxbroker.service.resources;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.allocation.LeaseExtender;
import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.api.SandboxResponse;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.http.TrackHeaders;
import com.sandboxbroker.service.observability.ApiAction;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code POST /v1/sandboxes/{id}/extend} (contract §7): the owner keeps a sandbox for a session
 * that runs long. Ownership is the owner view's; the body is optional.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.TRACK)
@Tag(name = "track", description = "Lab track endpoints (track token)")
public final class LeaseExtensionResource {
  /** A week: the contract's bound on one request's {@code hours}. */
  static final int MAX_HOURS = 168;

  /** Strict: {@code {"hours": 1} trailing} is not JSON, and {@code 1.0} is not an integer. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final LeaseExtender extender;
  private final AllocationPolicy policy;
  private final Duration maxLease;

  public LeaseExtensionResource(
      LeaseExtender extender, AllocationPolicy policy, Duration maxLease) {
    this.extender = extender;
    this.policy = policy;
    this.maxLease = maxLease;
  }

  /** The body schema, for the OpenAPI document only. */
  @Schema(
      name = "ExtendRequest",
      description = "Optional. Any other field, or no JSON object, is 400 INVALID_EXTENSION.")
  public record ExtendRequest(
      @Schema(
              description = "Hours of lease from now, 1–168; absent: the token's lease length",
              minimum = "1",
              maximum = "168")
          Integer hours) {}

  @POST
  @Path("sandboxes/{sandboxId}/extend")
  @Consumes(MediaType.WILDCARD)
  @ApiAction("extend")
  @Operation(
      summary = "Extend the lease of the caller's sandbox",
      description =
          "expires_at becomes max(current expires_at, now + hours), capped at allocated_at +"
              + " max_lease_hours (the token's, else the configured default of 96 h); it never"
              + " moves earlier. The sandbox and its allocation record change together, so a"
              + " replay of allocate, the owner view and auto-expiry all see the new expires_at"
              + " at once. An extension that would not move expires_at answers 200 with the"
              + " unchanged view. Same ownership rules as GET /v1/sandboxes/{sandbox_id}.",
      requestBody =
          @RequestBody(
              required = false,
              description =
                  "Optional {\"hours\": n}; no body (or an empty one) means the token's lease length",
              content =
                  @Content(
                      mediaType = "application/json",
                      schema = @Schema(implementation = ExtendRequest.class))))
  @ApiResponse(
      responseCode = "200",
      description = "The owner view with the new expires_at",
      content = @Content(schema = @Schema(implementation = SandboxResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description =
          "INVALID_EXTENSION (the message names what is wrong), MISSING_SANDBOX_ID, INVALID_SANDBOX_ID",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "403",
      description = "NOT_SANDBOX_OWNER, or FORBIDDEN (not a track token)",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "SANDBOX_NOT_FOUND",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "409",
      description =
          "LEASE_LIMIT_REACHED (already at the cap; detail.max_expires_at is the latest expires_at"
              + " the allocation can have), SANDBOX_NOT_ALLOCATED (released, expired and collected,"
              + " or deleted), LEASE_EXPIRED (expires_at has passed: never revived)",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "503",
      description =
          "ALLOCATION_TIMEOUT (the sandbox kept changing under the extension) or SERVICE_UNAVAILABLE; retry after Retry-After",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public SandboxResponse extend(
      @Context SecurityContext security,
      @PathParam("sandboxId") String sandboxId,
      @Parameter(description = "The learner's identity") @HeaderParam(TrackHeaders.IDENTITY)
          String identityHeader,
      @Parameter(description = "Legacy identity header") @HeaderParam(TrackHeaders.LEGACY_IDENTITY)
          String legacyIdentity,
      @Parameter(hidden = true) String body) {
    Caller caller = (Caller) security.getUserPrincipal();
    String identity = TrackHeaders.identity(identityHeader, legacyIdentity);
    Optional<Duration> hours = hours(body);
    return SandboxResponse.from(
        extender.extend(
            SandboxIds.valid(sandboxId),
            caller.tenant(),
            identity,
            hours,
            sandbox -> policy.leaseFor(sandbox.trackName(), caller.leaseOverride()),
            caller.maxLease().orElse(maxLease)));
  }

  /** Empty or blank: the default. Otherwise exactly {@code {"hours": <integer 1..168>}}. */
  static Optional<Duration> hours(String body) {
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (Exception e) {
      throw invalid("The body is not JSON; send {\"hours\": n} or no body");
    }
    if (json == null || !json.isObject()) {
      throw invalid("The body must be a JSON object {\"hours\": n}");
    }
    var names = json.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals("hours")) {
        throw invalid("Unknown field in the body; only \"hours\" is allowed");
      }
    }
    JsonNode h = json.get("hours");
    if (h == null) {
      return Optional.empty(); // {} : the default, as for no body
    }
    if (!h.isIntegralNumber() || !h.canConvertToInt()) {
      throw invalid("\"hours\" must be an integer from 1 to " + MAX_HOURS);
    }
    int value = h.intValue();
    if (value < 1 || value > MAX_HOURS) {
      throw invalid("\"hours\" must be from 1 to " + MAX_HOURS);
    }
    return Optional.of(Duration.ofHours(value));
  }

  private static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_EXTENSION, message);
  }
}
