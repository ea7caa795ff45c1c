package com.sandboxbroker.service.resources;

import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxNotFoundException;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.AuditedSandbox;
import com.sandboxbroker.core.store.Page;
import com.sandboxbroker.core.store.SandboxFilter;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import com.sandboxbroker.service.api.AdminSandboxListResponse;
import com.sandboxbroker.service.api.AdminSandboxResponse;
import com.sandboxbroker.service.api.BulkDeleteResponse;
import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.api.SandboxResponse;
import com.sandboxbroker.service.api.StatsResponse;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.metrics.BrokerMetrics;
import com.sandboxbroker.service.observability.ApiAction;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator endpoints of contract §3 (the job endpoints live with the jobs). Every change is a
 * conditional write on the status the operator's request saw, and is recorded on the item with the
 * admin token's configured name.
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.ADMIN)
@Tag(name = "admin", description = "Operator endpoints (admin token)")
public final class AdminResource {
  private static final Logger LOG = LoggerFactory.getLogger(AdminResource.class);

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  static final int DEFAULT_GRACE_HOURS = 24;

  /** Ten years: anything longer is a typo, not a policy. */
  static final int MAX_GRACE_HOURS = 87_600;

  /** Far above any cursor the store produces; refuses abuse before decoding. */
  static final int MAX_CURSOR_LENGTH = 2048;

  /** Identities and lab labels are at most this long (contract §1). */
  static final int MAX_FILTER_LENGTH = 256;

  private final SandboxStore store;
  private final Clock clock;
  private final BrokerMetrics metrics;

  public AdminResource(SandboxStore store, Clock clock, BrokerMetrics metrics) {
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
  }

  @GET
  @Path("/sandboxes")
  @ApiAction("admin_list")
  @Operation(
      summary = "List sandboxes",
      description =
          "Pages through sandbox records with optional filters. A page holds `limit` sandboxes"
              + " whenever that many more match (it is never short while more match); `cursor` is"
              + " null on the last page. Filters combine with AND. Read by key (never a table scan):"
              + " without `status`, status by status (available, allocated, pending_deletion,"
              + " deletion_failed, stale, deleted), oldest allocation first within each; a sandbox whose"
              + " status changes while you page may appear twice, or not at all if it moves to a status"
              + " already listed.")
  @ApiResponse(
      responseCode = "200",
      description = "A page",
      content = @Content(schema = @Schema(implementation = AdminSandboxListResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description =
          "INVALID_STATUS, INVALID_LIMIT (not an integer 1–500), INVALID_FILTER, or INVALID_CURSOR"
              + " (not produced by this listing)",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public AdminSandboxListResponse list(
      @Parameter(
              description = "Only this status",
              schema =
                  @Schema(
                      allowableValues = {
                        "available",
                        "allocated",
                        "pending_deletion",
                        "deletion_failed",
                        "stale",
                        "deleted"
                      }))
          @QueryParam("status")
          String status,
      @Parameter(
              description = "Page size, 1–500",
              schema =
                  @Schema(type = "integer", defaultValue = "50", minimum = "1", maximum = "500"))
          @QueryParam("limit")
          String limit,
      @Parameter(description = "Opaque cursor from the previous page") @QueryParam("cursor")
          String cursor,
      @Parameter(description = "New: only sandboxes allocated with this lab label (track_name)")
          @QueryParam("lab")
          String lab,
      @Parameter(description = "New: only sandboxes held by this identity") @QueryParam("owner")
          String owner) {
    SandboxFilter filter =
        new SandboxFilter(
            optionalStatus(status), filterValue(lab, "lab"), filterValue(owner, "owner"));
    int pageSize =
        boundedInt(
            limit,
            DEFAULT_LIMIT,
            1,
            MAX_LIMIT,
            ErrorCode.INVALID_LIMIT,
            "limit must be an integer from 1 to 500");
    Optional<String> position = Optional.ofNullable(cursor).filter(c -> !c.isEmpty());
    if (position.isPresent() && position.get().length() > MAX_CURSOR_LENGTH) {
      throw new com.sandboxbroker.core.store.InvalidCursorException();
    }
    Page<Sandbox> page = store.listSandboxes(filter, position, pageSize);
    return new AdminSandboxListResponse(
        page.items().stream().map(SandboxResponse::from).toList(),
        page.items().size(),
        page.cursor().orElse(null));
  }

  @GET
  @Path("/sandboxes/{sandboxId}")
  @ApiAction("admin_get")
  @Operation(
      summary = "One sandbox's full record",
      description = "Every timestamp, the deletion attempts and the operator trail.")
  @ApiResponse(
      responseCode = "200",
      description = "The record",
      content = @Content(schema = @Schema(implementation = AdminSandboxResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "SANDBOX_NOT_FOUND",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public AdminSandboxResponse get(@PathParam("sandboxId") String sandboxId) {
    return AdminSandboxResponse.from(audited(SandboxIds.valid(sandboxId)));
  }

  @GET
  @Path("/stats")
  @ApiAction("admin_stats")
  @Operation(
      summary = "Pool statistics",
      description =
          "Exact counts over the whole pool, counting sandboxes only: the sum of `GET /admin/pools` (plus `deleted`), counted by key queries, never a Scan.")
  @ApiResponse(
      responseCode = "200",
      description = "Counts",
      content = @Content(schema = @Schema(implementation = StatsResponse.class)))
  public StatsResponse stats() {
    return StatsResponse.from(store.countByStatus());
  }

  @POST
  @Path("/bulk-delete")
  @ApiAction("admin_bulk_delete")
  @Operation(
      summary = "Remove records by status from the table",
      description =
          "Removes every sandbox record in `status` from the table only; nothing is deleted"
              + " upstream. `status` is required and must be `available`, `stale` or `deleted`:"
              + " records of used accounts (`allocated`, `pending_deletion`, `deletion_failed`) are"
              + " refused, because sync would re-import the still-listed account as `available` and"
              + " hand a used account to a new learner. Release those instead (force-release:"
              + " cleanup deletes the account upstream and leaves a `deleted` record)."
              + " Takes no body.")
  @ApiResponse(
      responseCode = "200",
      description = "Done",
      content = @Content(schema = @Schema(implementation = BulkDeleteResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description =
          "MISSING_STATUS, INVALID_STATUS, or STATUS_NOT_REMOVABLE (allocated, pending_deletion or"
              + " deletion_failed: records of used accounts)",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public BulkDeleteResponse bulkDelete(
      @Context SecurityContext security,
      @Parameter(
              description = "Status whose records to remove (required)",
              required = true,
              schema = @Schema(allowableValues = {"available", "stale", "deleted"}))
          @QueryParam("status")
          String status) {
    if (status == null || status.isBlank()) {
      throw new ApiException(
          ErrorCode.MISSING_STATUS, "status is required (bulk-delete never removes everything)");
    }
    SandboxStatus target = optionalStatus(status).orElseThrow();
    if (target.namesAUsedAccount()) {
      throw new ApiException(
          ErrorCode.STATUS_NOT_REMOVABLE,
          target.wireName()
              + " records name accounts a learner has used; removed, sync would re-import the"
              + " account for a new learner. Release them instead (force-release), and cleanup"
              + " deletes them upstream");
    }
    long started = System.nanoTime();
    int deleted = store.deleteByStatus(target);
    LOG.info("admin {} bulk-deleted {} {} records", admin(security), deleted, target.wireName());
    return new BulkDeleteResponse("completed", deleted, millisSince(started), null);
  }

  @POST
  @Path("/auto-delete-stale")
  @ApiAction("admin_auto_delete_stale")
  @Operation(
      summary = "Remove stale records past a grace period",
      description =
          "Removes `stale` records that have been stale for at least `grace_period_hours`. Takes no body.")
  @ApiResponse(
      responseCode = "200",
      description = "Done",
      content = @Content(schema = @Schema(implementation = BulkDeleteResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description = "INVALID_GRACE_PERIOD (not an integer ≥ 1)",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public BulkDeleteResponse autoDeleteStale(
      @Context SecurityContext security,
      @Parameter(
              description = "Hours a record must have been stale, ≥ 1",
              schema = @Schema(type = "integer", defaultValue = "24", minimum = "1"))
          @QueryParam("grace_period_hours")
          String gracePeriodHours) {
    int hours =
        boundedInt(
            gracePeriodHours,
            DEFAULT_GRACE_HOURS,
            1,
            MAX_GRACE_HOURS,
            ErrorCode.INVALID_GRACE_PERIOD,
            "grace_period_hours must be an integer of at least 1");
    long started = System.nanoTime();
    int deleted = store.deleteStale(clock.instant().getEpochSecond() - hours * 3600L);
    LOG.info("admin {} removed {} stale records older than {} h", admin(security), deleted, hours);
    return new BulkDeleteResponse("completed", deleted, millisSince(started), hours);
  }

  @POST
  @Path("/sandboxes/{sandboxId}/retry-deletion")
  @ApiAction("admin_retry_deletion")
  @Operation(
      summary = "Retry a failed deletion",
      description =
          "`deletion_failed` → `pending_deletion` with the attempt counter reset, so the cleanup"
              + " job tries again. Recorded on the sandbox as an operator action. Takes no body.")
  @ApiResponse(
      responseCode = "200",
      description = "The record after the change",
      content = @Content(schema = @Schema(implementation = AdminSandboxResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "SANDBOX_NOT_FOUND",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "409",
      description = "INVALID_STATUS_TRANSITION: the sandbox is not deletion_failed",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public AdminSandboxResponse retryDeletion(
      @Context SecurityContext security, @PathParam("sandboxId") String sandboxId) {
    String id = SandboxIds.valid(sandboxId);
    AdminAction action =
        new AdminAction(now(), admin(security), "retry_deletion", SandboxStatus.DELETION_FAILED);
    TransitionResult result = store.retryDeletion(id, action);
    Sandbox current = result.current().orElseThrow(SandboxNotFoundException::new);
    if (!result.applied()) {
      throw conflict(
          "Only a deletion_failed sandbox can be retried; it is " + current.status().wireName());
    }
    LOG.info("admin {} retried deletion of {}", action.by(), id);
    return AdminSandboxResponse.from(audited(id));
  }

  @POST
  @Path("/sandboxes/{sandboxId}/force-release")
  @ApiAction("admin_force_release")
  @Operation(
      summary = "Force a sandbox out of the pool",
      description =
          "Any live status → `pending_deletion` (the cleanup job then deletes it upstream),"
              + " recorded as an operator action. Already `pending_deletion`: 200, unchanged."
              + " Takes no body.")
  @ApiResponse(
      responseCode = "200",
      description = "The record after the change",
      content = @Content(schema = @Schema(implementation = AdminSandboxResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "SANDBOX_NOT_FOUND",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "409",
      description = "INVALID_STATUS_TRANSITION: the sandbox is already deleted",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public AdminSandboxResponse forceRelease(
      @Context SecurityContext security, @PathParam("sandboxId") String sandboxId) {
    String id = SandboxIds.valid(sandboxId);
    // Conditional on the status just read; a concurrent change makes us decide again on the new
    // one.
    for (int attempt = 0; attempt < 5; attempt++) {
      Sandbox current = store.findSandbox(id).orElseThrow(SandboxNotFoundException::new);
      if (current.status() == SandboxStatus.PENDING_DELETION) {
        return AdminSandboxResponse.from(audited(id));
      }
      if (!current.status().isLive()) {
        throw conflict("The sandbox is already deleted");
      }
      AdminAction action =
          new AdminAction(now(), admin(security), "force_release", current.status());
      if (store.forceRelease(id, action).applied()) {
        metrics.deletionMarked("admin_force_release");
        LOG.info(
            "admin {} force-released {} (was {})", action.by(), id, current.status().wireName());
        return AdminSandboxResponse.from(audited(id));
      }
    }
    throw conflict("The sandbox kept changing; retry");
  }

  private AuditedSandbox audited(String id) {
    return store.findAudited(id).orElseThrow(SandboxNotFoundException::new);
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private static String admin(SecurityContext security) {
    return security.getUserPrincipal().getName();
  }

  private static ApiException conflict(String message) {
    return new ApiException(ErrorCode.INVALID_STATUS_TRANSITION, message);
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static Optional<SandboxStatus> optionalStatus(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        SandboxStatus.fromWireName(value)
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.INVALID_STATUS,
                        "status must be one of available, allocated, pending_deletion, deletion_failed, stale, deleted")));
  }

  private static Optional<String> filterValue(String value, String name) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > MAX_FILTER_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(
          ErrorCode.INVALID_FILTER,
          name + " must be at most 256 characters without control characters");
    }
    return Optional.of(value);
  }

  private static int boundedInt(
      String value, int dflt, int min, int max, ErrorCode code, String message) {
    if (value == null || value.isEmpty()) {
      return dflt;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // falls through to the refusal
    }
    throw new ApiException(code, message);
  }
}
