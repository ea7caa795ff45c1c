package com.sandboxbroker.core.pool;

import java.util.List;
import java.util.Optional;

/**
 * Pools in the broker's table: the registry of known pools, exact per-pool counts read by key
 * (never a Scan), the counts the single refresher publishes for every task to read, and the
 * low-water state item the events issue turns into {@code pool.low} / {@code pool.recovered}.
 */
public interface PoolStore {

  /**
   * Counts every known pool now, by key queries on {@code PoolIndex} ({@code Select=COUNT} per
   * pool, shard and live status). Exact up to the index's propagation lag (normally well under a
   * second). Sorted by pool name.
   */
  List<PoolStats> countPools();

  /**
   * Stores counts for every task to read ({@link #published()}); a pool's record is rewritten only
   * when its counts changed, and never with counts older than the ones it holds.
   */
  void publish(List<PoolStats> counts, long countedAtMillis);

  /** The counts last published by the refresher (empty before the first refresh). */
  List<PoolStats> published();

  /** The low-water state of a pool as last written (empty: never written, i.e. never low). */
  Optional<Boolean> isLow(String pool);

  /**
   * Records that a pool's low-water state flipped to {@code low}: a conditional write on the
   * previous value ({@code attribute_not_exists} for the first, which is always a flip to low), so
   * each flip is exactly one change of the item. Returns false when the stored state already was
   * {@code low} (another refresher wrote it).
   */
  boolean recordLowWaterFlip(
      String pool, boolean low, long available, long lowWater, long nowSeconds);

  /**
   * Gives sandbox items written before pools existed their pool (conditional on having none, so it
   * is idempotent and never moves a sandbox); returns how many it assigned.
   */
  int backfill();
}
