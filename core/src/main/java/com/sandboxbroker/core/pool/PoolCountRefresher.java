package com.sandboxbroker.core.pool;

import com.sandboxbroker.core.job.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that counts pools (design §10). Every task calls {@link #refresh()} on its timer;
 * only the holder of the {@value #LOCK_NAME} lock (the job lock mechanism, so one holder across the
 * whole service) counts by key queries, publishes the counts, writes the low-water flips and runs
 * the pool backfill. Every other task reads the published counts: one small query per interval. So
 * the counting cost is paid once per interval for the service, not once per task.
 *
 * <p>The lock lasts three intervals and each tick re-takes it (which renews it), so a leader that
 * dies is replaced within three intervals and a paused one finds the lock taken when it wakes.
 */
public final class PoolCountRefresher {
  private static final Logger LOG = LoggerFactory.getLogger(PoolCountRefresher.class);

  public static final String LOCK_NAME = "pool-counts";

  private final PoolStore store;
  private final JobStore locks;
  private final Clock clock;
  private final String owner;
  private final long lockTtlMillis;
  private final long backfillEveryMillis;

  private boolean leading;
  private long lastBackfillMillis;

  /** The leader's view of each pool's stored low-water state, read once per leadership. */
  private final Map<String, Boolean> lowState = new HashMap<>();

  /** What one tick saw: the counts, and whether this task was the one that counted them. */
  public record Tick(List<PoolStats> pools, boolean counted) {}

  public PoolCountRefresher(
      PoolStore store,
      JobStore locks,
      Clock clock,
      String owner,
      Duration interval,
      Duration backfillEvery) {
    this.store = store;
    this.locks = locks;
    this.clock = clock;
    this.owner = owner;
    this.lockTtlMillis = 3 * interval.toMillis();
    this.backfillEveryMillis = backfillEvery.toMillis();
  }

  /** One tick; storage failures propagate (the caller keeps its last counts). */
  public Tick refresh() {
    return refresh(counts -> {});
  }

  /**
   * One tick that hands the counts to {@code fresh} as soon as it has them: the leader's right
   * after counting, before its publish and low-water writes (so its own gauges do not wait for
   * those writes), the others' right after reading what the leader published.
   */
  public synchronized Tick refresh(Consumer<List<PoolStats>> fresh) {
    long now = clock.millis();
    if (!locks.tryLock(LOCK_NAME, owner, now, lockTtlMillis)) {
      if (leading) {
        LOG.info("pool-count refresher: another task leads now");
      }
      leading = false;
      lowState.clear();
      List<PoolStats> published = store.published();
      fresh.accept(published);
      return new Tick(published, false);
    }
    boolean newLeader = !leading;
    leading = true;
    if (newLeader || now - lastBackfillMillis >= backfillEveryMillis) {
      lastBackfillMillis = now;
      int assigned = store.backfill();
      if (assigned > 0) {
        LOG.info("pool backfill: gave {} older sandboxes their pool", assigned);
      }
    }
    List<PoolStats> counts = store.countPools();
    fresh.accept(counts);
    store.publish(counts, now);
    for (PoolStats pool : counts) {
      recordLowWater(pool, now / 1000);
    }
    return new Tick(counts, true);
  }

  /** Writes the pool-state item only when {@code low} flips (one stream record per flip). */
  private void recordLowWater(PoolStats pool, long nowSeconds) {
    boolean low = pool.isLow();
    boolean stored = lowState.computeIfAbsent(pool.pool(), p -> store.isLow(p).orElse(false));
    if (low == stored) {
      return;
    }
    if (store.recordLowWaterFlip(
        pool.pool(), low, pool.available(), pool.definition().lowWater(), nowSeconds)) {
      LOG.info(
          "pool {} {}: {} available, low water {}",
          pool.pool(),
          low ? "below low water" : "recovered",
          pool.available(),
          pool.definition().lowWater());
      lowState.put(pool.pool(), low);
    } else {
      lowState.remove(pool.pool()); // another writer got there first: re-read next time
    }
  }

  /** Gives the lock up (shutdown), so another task takes over without waiting for it to expire. */
  public synchronized void stop() {
    if (leading) {
      locks.unlock(LOCK_NAME, owner);
      leading = false;
    }
  }
}
