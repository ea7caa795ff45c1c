package com.sandboxbroker.service.resources;

import com.sandboxbroker.core.admin.DeletionRetry;
import com.sandboxbroker.core.admin.ForcedRelease;
import com.sandboxbroker.core.admin.StalePurge;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxNotFoundException;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.AuditedSandbox;
import com.sandboxbroker.core.store.InvalidCursorException;
import com.sandboxbroker.core.store.Page;
import com.sandboxbroker.core.store.SandboxFilter;
import com.sandboxbroker.core.store.SandboxStore;
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
import java.time.Duration;
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

  private final SandboxStore store;
  private final ForcedRelease forcedRelease;
  private final DeletionRetry deletionRetry;
  private final StalePurge stalePurge;
  private final BrokerMetrics metrics;

  public AdminResource(
      SandboxStore store,
      ForcedRelease forcedRelease,
      DeletionRetry deletionRetry,
      StalePurge stalePurge,
      BrokerMetrics metrics) {
    this.store = store;
    this.forcedRelease = forcedRelease;
    this.deletionRetry = deletionRetry;
    this.stalePurge = stalePurge;
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
            AdminQueryParams.optionalStatus(status),
            AdminQueryParams.filterValue(lab, "lab"),
            AdminQueryParams.filterValue(owner, "owner"));
    int pageSize =
        AdminQueryParams.boundedInt(
            limit,
            DEFAULT_LIMIT,
            1,
            MAX_LIMIT,
            ErrorCode.INVALID_LIMIT,
            "limit must be an integer from 1 to 500");
    Optional<String> position = Optional.ofNullable(cursor).filter(c -> !c.isEmpty());
    if (position.isPresent() && position.get().length() > MAX_CURSOR_LENGTH) {
      throw new InvalidCursorException();
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
    SandboxStatus target = AdminQueryParams.optionalStatus(status).orElseThrow();
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
        AdminQueryParams.boundedInt(
            gracePeriodHours,
            DEFAULT_GRACE_HOURS,
            1,
            MAX_GRACE_HOURS,
            ErrorCode.INVALID_GRACE_PERIOD,
            "grace_period_hours must be an integer of at least 1");
    long started = System.nanoTime();
    int deleted = (int) stalePurge.purgeOlderThan(Duration.ofHours(hours)).purged();
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
    deletionRetry.retry(id, admin(security));
    LOG.info("admin {} retried deletion of {}", admin(security), id);
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
    forcedRelease
        .release(id, admin(security))
        .ifPresent(
            was -> {
              metrics.deletionMarked("admin_force_release");
              LOG.info("admin {} force-released {} (was {})", admin(security), id, was.wireName());
            });
    return AdminSandboxResponse.from(audited(id));
  }

  private AuditedSandbox audited(String id) {
    return store.findAudited(id).orElseThrow(SandboxNotFoundException::new);
  }

  private static String admin(SecurityContext security) {
    return security.getUserPrincipal().getName();
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
