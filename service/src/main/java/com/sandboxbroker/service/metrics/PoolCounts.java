package com.sandboxbroker.service.metrics;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool gauges, per pool: {@code broker_pool_<status>{pool="…"}} (contract §9). A scrape reads
 * memory; the timer runs the {@link PoolCountRefresher}, so exactly one task of the service counts
 * the table (by key queries) per interval and every task serves what that one published. Counts
 * are at most one refresh interval old.
 */
public final class PoolCounts implements Managed, MultiCollector {
  private static final Logger LOG = LoggerFactory.getLogger(PoolCounts.class);

  private final PoolCountRefresher refresher;
  private final Duration refresh;
  private volatile List<PoolStats> pools = List.of();
  private volatile boolean leader;
  private final com.codahale.metrics.Counter counted;
  private ScheduledExecutorService timer;

  public PoolCounts(PoolCountRefresher refresher, Duration refresh, MetricRegistry registry) {
    this.refresher = refresher;
    this.refresh = refresh;
    // "broker.pool.total" would lose its suffix on export (the Prometheus client reserves _total
    // for counters); BrokerMetrics renders broker_pool_total itself from total()
    registry.register("broker.pool.live", (Gauge<Long>) this::total);
    // which task counted the last tick: exactly one task of the service should show 1
    registry.register("broker.pool_refresher.leader", (Gauge<Integer>) () -> leader ? 1 : 0);
    this.counted = registry.counter("broker.pool_refresher.counted");
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
      PoolCountRefresher.Tick tick = refresher.refresh();
      pools = tick.pools();
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
    var lowWater = GaugeSnapshot.builder().name("broker_pool_low_water").help("Each pool's configured low-water mark");
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
    timer.scheduleWithFixedDelay(this::refresh, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
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
