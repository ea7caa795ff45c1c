package com.sandboxbroker.service.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.sandboxbroker.core.allocation.AllocationListener;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The broker's own metrics, kept in Dropwizard's {@link MetricRegistry} (so the admin JSON views
 * show them too) and exported to Prometheus under the contract's names.
 *
 * <p>Export: Dropwizard metric names carry no labels, so the labelled families ({@code
 * broker_allocate_total{outcome}}, {@code broker_deletion_marked_total{outcome}}) are rendered by
 * this class; everything else in the registry (pool gauges, Jetty, Jersey, and the job metrics the
 * jobs register as {@code broker.sync.*}, {@code broker.cleanup.*}, {@code broker.expiry.*}) goes
 * through {@link DropwizardExports}, dots becoming underscores. The allocation latency is a
 * Prometheus classic histogram: bucket counts add up across tasks for a fleet-wide p99, which a
 * Dropwizard timer's per-task quantiles cannot.
 */
public final class BrokerMetrics implements AllocationListener, MultiCollector {
  static final String ALLOCATE = "broker.allocate.";
  static final String DELETION_MARKED = "broker.deletion_marked.";
  static final String CONFLICTS = "broker.allocate_conflicts";

  /** Seconds; spans a warm claim (a few ms) to the claim budget (10 s). */
  private static final double[] LATENCY_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final MetricRegistry registry;
  private final ConcurrentMap<String, Counter> allocate = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> deletionMarked = new ConcurrentHashMap<>();
  private final Counter conflicts;
  private final Histogram latency;
  private volatile EmfMetricsReporter cloudWatch;
  private volatile PoolCounts pool;

  public BrokerMetrics(MetricRegistry registry) {
    this.registry = registry;
    // pre-created so every outcome is exported at 0 from the start (rate() needs the series)
    for (String o : new String[] {"success", "idempotent", "no_sandboxes", "error"}) {
      counter(allocate, ALLOCATE, o);
    }
    for (String o : new String[] {"success", "idempotent", "admin_force_release"}) {
      counter(deletionMarked, DELETION_MARKED, o);
    }
    this.conflicts = registry.counter(CONFLICTS);
    this.latency =
        Histogram.builder()
            .name("broker_allocation_latency_seconds")
            .help("Time to answer POST /allocate, by the service")
            .classicUpperBounds(LATENCY_BUCKETS)
            .classicOnly()
            // no tracing here to link to; an exemplar sampler per observation is work for nothing
            .withoutExemplars()
            .build();
  }

  /** The Prometheus registry served on the admin connector: broker, Dropwizard and JVM metrics. */
  public PrometheusRegistry prometheusRegistry() {
    PrometheusRegistry prometheus = new PrometheusRegistry();
    prometheus.register(this);
    prometheus.register(latency);
    MetricFilter notOurs =
        (name, metric) ->
            !name.startsWith(ALLOCATE)
                && !name.startsWith(DELETION_MARKED)
                && !name.equals(CONFLICTS);
    DropwizardExports.builder()
        .dropwizardRegistry(registry)
        .metricFilter(notOurs)
        .register(prometheus);
    JvmMetrics.builder().register(prometheus);
    return prometheus;
  }

  /** The pool counts behind {@code broker_pool_total}. */
  public void exportPoolTotal(PoolCounts poolCounts) {
    this.pool = poolCounts;
  }

  /**
   * Deployed on AWS: latencies and lost claims also go to CloudWatch (the p99 alarm reads the
   * former).
   */
  public void exportLatencyTo(EmfMetricsReporter cloudWatch) {
    this.cloudWatch = cloudWatch;
  }

  /** One allocate answered: outcome as the contract names it, latency in seconds. */
  public void allocateAnswered(String outcome, double seconds) {
    counter(allocate, ALLOCATE, outcome).inc();
    latency.observe(seconds);
    EmfMetricsReporter emf = cloudWatch;
    if (emf != null) {
      emf.allocationLatency(seconds);
    }
  }

  public void deletionMarked(String outcome) {
    counter(deletionMarked, DELETION_MARKED, outcome).inc();
  }

  @Override
  public void claimLost() {
    conflicts.inc();
    EmfMetricsReporter emf = cloudWatch;
    if (emf != null) {
      emf.claimLost();
    }
  }

  @Override
  public MetricSnapshots collect() {
    PoolCounts counts = pool;
    return MetricSnapshots.of(
        // The earlier broker's name for the live pool size. The Prometheus client refuses a gauge
        // named *_total, so it is rendered as a counter family "broker_pool" (exposed as
        // broker_pool_total); broker_pool_live carries the same value as a true gauge.
        CounterSnapshot.builder()
            .name("broker_pool")
            .help("Live sandboxes in the pool (a level, not a rate: every status except deleted)")
            .dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .value(counts == null ? 0 : counts.total())
                    .build())
            .build(),
        family("broker_allocate", "Allocation requests by outcome", allocate),
        family(
            "broker_deletion_marked", "Sandboxes marked for deletion by outcome", deletionMarked),
        CounterSnapshot.builder()
            .name("broker_allocate_conflicts")
            .help("Conditional claims lost to a concurrent writer")
            .dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .value(conflicts.getCount())
                    .build())
            .build());
  }

  private static CounterSnapshot family(String name, String help, Map<String, Counter> byOutcome) {
    var b = CounterSnapshot.builder().name(name).help(help);
    byOutcome.forEach(
        (outcome, c) ->
            b.dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("outcome", outcome))
                    .value(c.getCount())
                    .build()));
    return b.build();
  }

  private Counter counter(ConcurrentMap<String, Counter> family, String prefix, String outcome) {
    return family.computeIfAbsent(outcome, o -> registry.counter(prefix + o));
  }
}
