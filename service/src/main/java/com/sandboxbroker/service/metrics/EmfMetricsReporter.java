package com.sandboxbroker.service.metrics;

import com.sandboxbroker.core.contract.MetricContract;
import com.sandboxbroker.core.metrics.EmfStream;
import com.sandboxbroker.core.pool.PoolStats;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import io.dropwizard.lifecycle.Managed;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.cloudwatchlogs.emf.exception.InvalidMetricException;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * Publishes the metrics the CloudWatch alarms and on-call read (namespace {@value
 * EmfStream#NAMESPACE}: AllocationLatency, PoolAvailable, PoolDeletionFailed, AllocationConflicts)
 * as CloudWatch embedded metric format lines on stdout, built by AWS's {@code aws-embedded-metrics}
 * library (see {@link EmfStream}).
 *
 * <p>Every metric has the dimension {@code Stage}; the per-pool gauges also {@code Pool}.
 * Allocation latencies are published raw, every one of the interval: the library writes at most 100
 * values per metric per event and spreads more over further events, so CloudWatch computes the p99
 * the alarm uses from all of them (the hand-written reporter this replaces kept the 100 smallest
 * distinct values and so dropped exactly the slow tail under load).
 */
public final class EmfMetricsReporter implements Managed {
  public static final String ALLOCATION_LATENCY = MetricContract.ALLOCATION_LATENCY;
  public static final String POOL_AVAILABLE = MetricContract.POOL_AVAILABLE;
  public static final String POOL_DELETION_FAILED = MetricContract.POOL_DELETION_FAILED;

  /**
   * Conditional claims lost to a concurrent writer in the interval (on-call's contention figure).
   */
  public static final String ALLOCATION_CONFLICTS = MetricContract.ALLOCATION_CONFLICTS;

  public static final String POOL = MetricContract.POOL;

  private static final Logger LOG = LoggerFactory.getLogger(EmfMetricsReporter.class);

  private final String stage;
  private final PoolCounts pool;
  private final Duration interval;
  private final EmfStream emf;

  /** Latencies since the last flush; the library's logger is safe to add to from many threads. */
  private final MetricsLogger latencies;

  private final AtomicLong pending = new AtomicLong();
  private final LongAdder conflicts = new LongAdder();
  private ScheduledExecutorService timer;

  /**
   * @param stage the deployment's stage (BROKER_STAGE), the {@code Stage} dimension of every line
   * @param pool the pool refresher's counts: the service-wide totals and, per pool, the gauges the
   *     CDK app's per-pool low-water alarms read (dimensions {@code Stage} and {@code Pool})
   */
  public EmfMetricsReporter(
      String stage, PoolCounts pool, Duration interval, Clock clock, PrintStream out) {
    this.stage = stage;
    this.pool = pool;
    this.interval = interval;
    this.emf = new EmfStream(out, clock);
    this.latencies = emf.logger(EmfStream.STAGE, stage);
  }

  /** Records one allocation's latency, unrounded (milliseconds with the fraction kept). */
  public void allocationLatency(double seconds) {
    try {
      latencies.putMetric(ALLOCATION_LATENCY, seconds * 1000, Unit.MILLISECONDS);
      pending.incrementAndGet();
    } catch (InvalidMetricException e) {
      // NaN or infinite: nothing CloudWatch could use
      LOG.warn("allocation latency not recorded: {}", e.getMessage());
    }
  }

  /** One conditional claim lost to a concurrent writer. */
  public void claimLost() {
    conflicts.increment();
  }

  @Override
  public void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "emf-metrics");
              t.setDaemon(true);
              return t;
            });
    long period = interval.toMillis();
    timer.scheduleAtFixedRate(this::flushQuietly, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    timer.shutdownNow();
    flush();
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      // a failed flush must not end the schedule (scheduleAtFixedRate stops on an exception)
      LOG.warn("EMF metrics not written: {}", e.getClass().getSimpleName());
    }
  }

  /**
   * Writes the pool gauges (overall and per pool) and the latencies recorded since the last flush.
   */
  void flush() {
    MetricsLogger overall = emf.logger(EmfStream.STAGE, stage);
    try {
      overall.putMetric(ALLOCATION_CONFLICTS, conflicts.sumThenReset(), Unit.COUNT);
    } catch (InvalidMetricException e) {
      throw new IllegalStateException(e); // a finite count: cannot happen
    }
    gauges(overall, pool.count(SandboxStatus.AVAILABLE), pool.count(SandboxStatus.DELETION_FAILED));
    // per pool (contract §9): one line each, read by the per-pool low-water alarms
    for (PoolStats p : pool.pools()) {
      gauges(
          emf.logger(EmfStream.STAGE, stage, POOL, p.pool()),
          p.available(),
          p.count(SandboxStatus.DELETION_FAILED));
    }
    if (pending.getAndSet(0) > 0) {
      emf.flush(latencies);
    }
  }

  private void gauges(MetricsLogger logger, long available, long deletionFailed) {
    try {
      logger.putMetric(POOL_AVAILABLE, available, Unit.COUNT);
      logger.putMetric(POOL_DELETION_FAILED, deletionFailed, Unit.COUNT);
    } catch (InvalidMetricException e) {
      throw new IllegalStateException(e); // finite counts: cannot happen
    }
    emf.flush(logger);
  }
}
