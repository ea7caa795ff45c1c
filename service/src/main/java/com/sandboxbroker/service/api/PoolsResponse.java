package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.sandboxbroker.core.pool.PoolStats;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Body of {@code GET /v1/admin/pools} (contract §9). */
@Schema(description = "Every known pool with exact counts by status")
public record PoolsResponse(List<Pool> pools) {

  public static PoolsResponse from(List<PoolStats> stats) {
    return new PoolsResponse(stats.stream().map(Pool::from).toList());
  }

  /** One pool. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @Schema(
      name = "PoolCounts",
      description = "One pool: its definition and exact counts of its sandboxes by status")
  public record Pool(
      @Schema(description = "The pool's name (stored on each of its sandboxes as `pool`)")
          String pool,
      @Schema(
              description =
                  "Every member's name starts with it: the configured prefix, or the pool's own name for a pool derived from sandbox names")
          String prefix,
      @Schema(
              description =
                  "Below this many available sandboxes the pool is low: its alarm fires and a pool.low event is recorded (0: never)")
          long lowWater,
      @Schema(description = "Live sandboxes: every status except deleted") long total,
      long available,
      long allocated,
      long pendingDeletion,
      long stale,
      long deletionFailed) {

    static Pool from(PoolStats p) {
      return new Pool(
          p.pool(),
          p.definition().prefix(),
          p.definition().lowWater(),
          p.total(),
          p.available(),
          p.count(SandboxStatus.ALLOCATED),
          p.count(SandboxStatus.PENDING_DELETION),
          p.count(SandboxStatus.STALE),
          p.count(SandboxStatus.DELETION_FAILED));
    }
  }
}
