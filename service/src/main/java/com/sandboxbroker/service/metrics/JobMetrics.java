package com.sandboxbroker.service.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.sandboxbroker.core.job.JobOutcome;
import com.sandboxbroker.core.job.JobRun;
import com.sandboxbroker.core.job.JobRunListener;
import java.util.concurrent.TimeUnit;

/**
 * Metrics of the in-process job runs, registered as {@code broker.<job>.*} so the Prometheus export
 * names them {@code broker_sync_*}, {@code broker_cleanup_*}, {@code broker_expiry_*}: runs by
 * outcome, run duration, the epoch second of the last success (for "has not succeeded within N
 * periods" alerts), and every count a run reports, accumulated ({@code broker_cleanup_deleted}).
 */
public final class JobMetrics implements JobRunListener {
  private final MetricRegistry registry;

  public JobMetrics(MetricRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void finished(JobRun run) {
    String prefix = "broker." + run.job().wireName() + ".";
    registry.counter(prefix + "runs_" + run.outcome().wireName()).inc();
    registry.timer(prefix + "duration").update(run.durationMs(), TimeUnit.MILLISECONDS);
    if (run.outcome() == JobOutcome.SUCCEEDED) {
      long at = run.startedAt() + run.durationMs() / 1000;
      registry.gauge(prefix + "last_success_timestamp", () -> new LastSuccess()).set(at);
    }
    run.counts().forEach((k, v) -> registry.counter(prefix + k).inc(v));
  }

  /** A settable gauge (Dropwizard has none built in for a plain long). */
  static final class LastSuccess implements Gauge<Long> {
    private volatile long value;

    void set(long v) {
      value = v;
    }

    @Override
    public Long getValue() {
      return value;
    }
  }
}
