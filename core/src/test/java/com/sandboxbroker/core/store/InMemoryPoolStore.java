package com.sandboxbroker.core.store;

import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.pool.PoolDefinition;
import com.sandboxbroker.core.pool.PoolStats;
import com.sandboxbroker.core.pool.PoolStore;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link PoolStore} over an {@link InMemorySandboxStore}, for tests of what consumes pool counts;
 * pools are assigned by name on every count (the in-memory store keeps no pool attribute).
 */
public final class InMemoryPoolStore implements PoolStore {
  private final SandboxStore sandboxes;
  private final PoolAssignment assignment;
  private volatile List<PoolStats> published = List.of();
  private final Map<String, Boolean> low = new HashMap<>();

  public InMemoryPoolStore(SandboxStore sandboxes, PoolAssignment assignment) {
    this.sandboxes = sandboxes;
    this.assignment = assignment;
  }

  @Override
  public List<PoolStats> countPools() {
    Map<String, Map<SandboxStatus, Long>> byPool = new TreeMap<>();
    assignment.configured().forEach(p -> byPool.put(p.name(), new EnumMap<>(SandboxStatus.class)));
    for (Sandbox s : sandboxes.allSandboxes()) {
      byPool
          .computeIfAbsent(assignment.poolOf(s.name()), p -> new EnumMap<>(SandboxStatus.class))
          .merge(s.status(), 1L, Long::sum);
    }
    return byPool.entrySet().stream()
        .map(e -> new PoolStats(assignment.definitionOf(e.getKey()), e.getValue()))
        .toList();
  }

  @Override
  public void publish(List<PoolStats> counts, long countedAtMillis) {
    published = List.copyOf(counts);
  }

  @Override
  public List<PoolStats> published() {
    return published;
  }

  @Override
  public synchronized Optional<Boolean> isLow(String pool) {
    return Optional.ofNullable(low.get(pool));
  }

  @Override
  public synchronized boolean recordLowWaterFlip(
      String pool, boolean isLow, long available, long lowWater, long nowSeconds) {
    boolean previous = low.getOrDefault(pool, false);
    if (previous == isLow) {
      return false;
    }
    low.put(pool, isLow);
    return true;
  }

  @Override
  public int backfill() {
    return 0;
  }

  /** For tests: a definition lookup like the DynamoDB store's. */
  public PoolDefinition definitionOf(String pool) {
    return assignment.definitionOf(pool);
  }
}
