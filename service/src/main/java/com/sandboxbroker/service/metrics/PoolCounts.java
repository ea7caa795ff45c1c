package com.sandboxbroker.service.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool gauges ({@code broker_pool_*}), served from counts refreshed on a timer off the request
 * path: a scrape reads memory, so scrape frequency and the number of tasks never multiply full
 * reads of the table. Counts are at most one refresh period old.
 */
public final class PoolCounts implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(PoolCounts.class);

  private final SandboxStore store;
  private final Duration refresh;
  private volatile Map<SandboxStatus, Long> counts = new EnumMap<>(SandboxStatus.class);
  private ScheduledExecutorService timer;

  public PoolCounts(SandboxStore store, Duration refresh, MetricRegistry registry) {
    this.store = store;
    this.refresh = refresh;
    for (SandboxStatus s : SandboxStatus.values()) {
      if (s.isLive()) {
        registry.register("broker.pool." + s.wireName(), (Gauge<Long>) () -> count(s));
      }
    }
    // "broker.pool.total" would lose its suffix on export (the Prometheus client reserves _total
    // for counters); BrokerMetrics renders broker_pool_total itself from total()
    registry.register("broker.pool.live", (Gauge<Long>) this::total);
  }

  public long count(SandboxStatus status) {
    return counts.getOrDefault(status, 0L);
  }

  /** Live sandboxes (deleted audit records are not part of the pool). */
  public long total() {
    return counts.entrySet().stream().filter(e -> e.getKey().isLive()).mapToLong(Map.Entry::getValue).sum();
  }

  /** Reads the table now; called by the timer. */
  public void refresh() {
    try {
      counts = new EnumMap<>(store.countByStatus());
    } catch (RuntimeException e) {
      // keep the last counts; the readiness check reports the outage
      LOG.warn("pool counts not refreshed: {}", e.getClass().getSimpleName());
    }
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
  }
}
