package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.store.AuditedSandbox;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The full record an operator sees: every timestamp, the deletion attempts and the admin trail. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(
    description =
        "Full sandbox record. Times are epoch seconds, 0 when unset; strings are never null.")
public record AdminSandboxResponse(
    String sandboxId,
    String name,
    @Schema(description = "Full upstream identity path") String externalId,
    String sfdcAccountId,
    @Schema(
            allowableValues = {
              "available",
              "allocated",
              "pending_deletion",
              "deletion_failed",
              "stale",
              "deleted"
            })
        String status,
    @Schema(description = "Owning identity, \"\" when not allocated") String allocatedToTrack,
    @Schema(description = "Lab label given at allocation") String trackName,
    String leaseId,
    long allocatedAt,
    long expiresAt,
    long deletionRequestedAt,
    int deletionAttempts,
    long nextAttemptAt,
    @Schema(description = "Last upstream deletion error, as recorded by the cleanup job")
        String lastError,
    long deletedAt,
    long createdAt,
    long lastSeenAt,
    int missingCount,
    long staleSince,
    long version,
    @Schema(description = "Operator actions on this sandbox, oldest first")
        List<AdminActionResponse> adminActions,
    @Schema(
            description =
                "The owner's tenant (contract §6); \"default\" when unallocated or allocated before tenants existed")
        String tenant) {

  /** One audit entry: who (the admin token's configured name), when, what, from which status. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record AdminActionResponse(long at, String by, String action, String fromStatus) {
    static AdminActionResponse from(AdminAction a) {
      return new AdminActionResponse(a.at(), a.by(), a.action(), a.fromStatus().wireName());
    }
  }

  public static AdminSandboxResponse from(AuditedSandbox audited) {
    Sandbox s = audited.sandbox();
    return new AdminSandboxResponse(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.sfdcAccountId(),
        s.status().wireName(),
        s.allocatedTo(),
        s.trackName(),
        s.leaseId(),
        s.allocatedAt(),
        s.expiresAt(),
        s.deletionRequestedAt(),
        s.deletionAttempts(),
        s.nextAttemptAt(),
        s.lastError(),
        s.deletedAt(),
        s.createdAt(),
        s.lastSeenAt(),
        s.missingCount(),
        s.staleSince(),
        s.version(),
        audited.adminActions().stream().map(AdminActionResponse::from).toList(),
        s.tenant());
  }
}
