package com.sandboxbroker.core.pool;

import com.sandboxbroker.core.sandbox.SandboxStatus;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One pool's sandboxes by status (contract §9's {@code /v1/admin/pools} entry).
 *
 * @param definition the pool's name, prefix and low-water mark
 * @param counts live statuses only (deleted audit records are not part of a pool)
 */
public record PoolStats(PoolDefinition definition, Map<SandboxStatus, Long> counts) {

  public PoolStats {
    EnumMap<SandboxStatus, Long> copy = new EnumMap<>(SandboxStatus.class);
    for (SandboxStatus s : SandboxStatus.values()) {
      if (s.isLive()) {
        copy.put(s, counts.getOrDefault(s, 0L));
      }
    }
    counts = Collections.unmodifiableMap(copy);
  }

  public String pool() {
    return definition.name();
  }

  public long count(SandboxStatus status) {
    return counts.getOrDefault(status, 0L);
  }

  public long available() {
    return count(SandboxStatus.AVAILABLE);
  }

  /** Live sandboxes of the pool. */
  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Below its low-water mark. */
  public boolean isLow() {
    return definition.isLow(available());
  }
}
