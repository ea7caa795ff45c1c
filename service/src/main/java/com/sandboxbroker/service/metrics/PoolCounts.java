package com.sandboxbroker.service.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.sandboxbroker.core.pool.PoolCountRefresher;
import com.sandboxbroker.core.pool.PoolStats;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import io.dropwizard.lifecycle.Managed;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool gauges, per pool: {@code broker_pool_<status>{pool="…"}} (contract §9). A scrape reads
 * memory; the timer runs the {@link PoolCountRefresher}, so exactly one task of the service counts
 * the table (by key queries) per interval and every task serves what that one published.
 *
 * <p>Every task ticks on the same wall-clock grid (multiples of the interval since the epoch), so
 * the tasks that only read the published counts read them right after the leader wrote them: the
 * leader counts {@linkplain #leadMillis a little before} each grid point (by one and a half times
 * its slowest recent tick) and the others read {@link #FOLLOW_OFFSET_MILLIS} after it. With
 * independent timers a reader could read just before the leader's write and then serve counts two
 * intervals old. So a change of the table shows on every task's gauges within one interval plus the
 * lead and the offset (a few hundred milliseconds): the count has to be taken once per interval
 * somewhere.
 */
public final class PoolCounts implements Managed, MultiCollector {
  private static final Logger LOG = LoggerFactory.getLogger(PoolCounts.class);

  /**
   * How long after a grid point a task that does not count reads the published counts. The leader
   * aims to have written them by the grid point; tasks' clocks agree to well under this (NTP).
   */
  static final long FOLLOW_OFFSET_MILLIS = 50;

  private final PoolCountRefresher refresher;
  private final Duration refresh;
  private final Clock clock;
  private volatile List<PoolStats> pools = List.of();
  private volatile boolean leader;

  /**
   * The durations of the last few ticks (written by the timer thread): the lead covers the slowest.
   */
  private final long[] recentTicks = new long[5];

  private int tickCount;

  long slowestTickMillis() {
    long slowest = 0;
    for (int i = 0; i < recentTicks.length; i++) {
      slowest = Math.max(slowest, recentTicks[i]);
    }
    return slowest;
  }

  private final Counter counted;
  private ScheduledExecutorService timer;

  public PoolCounts(PoolCountRefresher refresher, Duration refresh, MetricRegistry registry) {
    this(refresher, refresh, registry, Clock.systemUTC());
  }

  /** {@code clock}: the wall clock whose grid every task of the service ticks on. */
  public PoolCounts(
      PoolCountRefresher refresher, Duration refresh, MetricRegistry registry, Clock clock) {
    this.refresher = refresher;
    this.refresh = refresh;
    this.clock = clock;
    // "broker.pool.total" would lose its suffix on export (the Prometheus client reserves _total
    // for counters); BrokerMetrics renders broker_pool_total itself from total()
    registry.register("broker.pool.live", (Gauge<Long>) this::total);
    // which task counted the last tick: exactly one task of the service should show 1
    registry.register("broker.pool_refresher.leader", (Gauge<Integer>) () -> leader ? 1 : 0);
    this.counted = registry.counter("broker.pool_refresher.counted");
    // how long this task's recent ticks took at most: the counting task starts that much (x 1.5)
    // ahead of each grid point, so the gauges lag the table by one interval plus about this
    registry.register(
        "broker.pool_refresher.slowest_tick_ms", (Gauge<Long>) this::slowestTickMillis);
  }

  /** The service-wide count of a status: the sum over pools. */
  public long count(SandboxStatus status) {
    return pools.stream().mapToLong(p -> p.count(status)).sum();
  }

  /** Live sandboxes (deleted audit records are not part of the pool). */
  public long total() {
    return pools.stream().mapToLong(PoolStats::total).sum();
  }

  /** Each pool's counts as last refreshed, sorted by pool name. */
  public List<PoolStats> pools() {
    return pools;
  }

  /** Runs one refresher tick now; called by the timer. */
  public void refresh() {
    try {
      PoolCountRefresher.Tick tick = refresher.refresh(fresh -> pools = fresh);
      leader = tick.counted();
      if (tick.counted()) {
        counted.inc();
      }
    } catch (RuntimeException e) {
      // keep the last counts; the readiness check reports the outage
      LOG.warn("pool counts not refreshed: {}", e.getClass().getSimpleName());
    }
  }

  @Override
  public MetricSnapshots collect() {
    List<PoolStats> snapshot = pools;
    List<MetricSnapshot> families = new ArrayList<>();
    for (SandboxStatus status : SandboxStatus.values()) {
      if (status.isLive()) {
        var family =
            GaugeSnapshot.builder()
                .name("broker_pool_" + status.wireName())
                .help("Sandboxes in status " + status.wireName() + ", per pool");
        for (PoolStats p : snapshot) {
          family.dataPoint(
              GaugeSnapshot.GaugeDataPointSnapshot.builder()
                  .labels(Labels.of("pool", p.pool()))
                  .value(p.count(status))
                  .build());
        }
        families.add(family.build());
      }
    }
    var lowWater =
        GaugeSnapshot.builder()
            .name("broker_pool_low_water")
            .help("Each pool's configured low-water mark");
    for (PoolStats p : snapshot) {
      lowWater.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(Labels.of("pool", p.pool()))
              .value(p.definition().lowWater())
              .build());
    }
    families.add(lowWater.build());
    return new MetricSnapshots(families);
  }

  @Override
  public void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pool-counts");
              t.setDaemon(true);
              return t;
            });
    timer.execute(this::tick); // the first counts at once, then on the grid
  }

  private void tick() {
    long started = clock.millis();
    refresh();
    long now = clock.millis();
    recentTicks[tickCount++ % recentTicks.length] = now - started;
    long next = nextTickAt(now, refresh.toMillis(), leader, slowestTickMillis());
    try {
      timer.schedule(this::tick, Math.max(0, next - now), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // stopped meanwhile
    }
  }

  /**
   * When the next tick runs: the first grid point (a multiple of {@code intervalMillis} since the
   * epoch) shifted by this task's role — {@link #leadMillis} earlier for the leader, {@link
   * #FOLLOW_OFFSET_MILLIS} later for the others — that lies more than half an interval ahead (so
   * the leader, which ticked just before a grid point, does not count again for the same one).
   */
  static long nextTickAt(long nowMillis, long intervalMillis, boolean leader, long slowTickMillis) {
    long offset =
        leader
            ? -leadMillis(intervalMillis, slowTickMillis)
            : Math.min(FOLLOW_OFFSET_MILLIS, intervalMillis / 10);
    long earliest = nowMillis + intervalMillis / 2;
    return (Math.floorDiv(earliest - offset, intervalMillis) + 1) * intervalMillis + offset;
  }

  /**
   * How early the leader starts counting before a grid point: one and a half times the slowest of
   * its last few ticks plus 50 ms, so the counts are published by the grid point even when a tick
   * runs slower than the one before; at most a quarter interval (a slow tick, e.g. one that ran the
   * backfill, must not pull the count far ahead of the grid).
   */
  static long leadMillis(long intervalMillis, long slowTickMillis) {
    return Math.min(intervalMillis / 4, Math.max(0, slowTickMillis) * 3 / 2 + 50);
  }

  @Override
  public void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
    try {
      refresher.stop(); // hand the lock over now rather than after it expires
    } catch (RuntimeException e) {
      LOG.warn("pool-count lock not released: {}", e.getClass().getSimpleName());
    }
  }
}
