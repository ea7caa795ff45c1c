package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** Body of {@code GET /v1/admin/stats}: exact counts over the whole pool, sandboxes only. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(description = "Exact sandbox counts over the whole pool (not leases or job records)")
public record StatsResponse(
    @Schema(description = "Live sandboxes: every status except deleted") long total,
    long available,
    long allocated,
    long pendingDeletion,
    long stale,
    long deletionFailed,
    @Schema(description = "New: deleted sandboxes still kept as audit records") long deleted) {

  public static StatsResponse from(Map<SandboxStatus, Long> counts) {
    long total =
        counts.entrySet().stream()
            .filter(e -> e.getKey().isLive())
            .mapToLong(Map.Entry::getValue)
            .sum();
    return new StatsResponse(
        total,
        counts.getOrDefault(SandboxStatus.AVAILABLE, 0L),
        counts.getOrDefault(SandboxStatus.ALLOCATED, 0L),
        counts.getOrDefault(SandboxStatus.PENDING_DELETION, 0L),
        counts.getOrDefault(SandboxStatus.STALE, 0L),
        counts.getOrDefault(SandboxStatus.DELETION_FAILED, 0L),
        counts.getOrDefault(SandboxStatus.DELETED, 0L));
  }
}
