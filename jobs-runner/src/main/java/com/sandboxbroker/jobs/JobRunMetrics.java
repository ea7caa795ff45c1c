package com.sandboxbroker.jobs;

import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.MetricContract;
import com.sandboxbroker.core.job.JobOutcome;
import com.sandboxbroker.core.job.JobRun;
import com.sandboxbroker.core.job.SkipReason;
import com.sandboxbroker.core.metrics.EmfStream;
import java.util.Map;
import software.amazon.cloudwatchlogs.emf.exception.InvalidMetricException;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * A run's CloudWatch metrics, as embedded metric format lines on stderr (the awslogs driver ships
 * stderr to the jobs log group like stdout; stdout stays the one report line). Namespace {@value
 * EmfStream#NAMESPACE}:
 *
 * <ul>
 *   <li>{@value #JOB_OUTCOME} = 1, dimensions {@code Stage, Job, Outcome} with Outcome one of
 *       {@code succeeded, skipped_paused, skipped_locked, failed}. Step Functions counts a skipped
 *       run as a succeeded execution (the runner sends SendTaskSuccess for it); this metric is what
 *       tells a real success from a run that did nothing, so the "not succeeded" alarm reads it.
 *   <li>{@value #JOB_DURATION} (milliseconds) and every count the run reports under its own name
 *       ({@code inserted}, {@code deleted}, …), dimensions {@code Stage, Job}: the deployed
 *       equivalents of the service's {@code broker_<job>_*} Prometheus metrics.
 * </ul>
 */
final class JobRunMetrics {
  static final String JOB_OUTCOME = MetricContract.JOB_OUTCOME;
  static final String JOB_DURATION = MetricContract.JOB_DURATION;
  static final String JOB = MetricContract.JOB;
  static final String OUTCOME = MetricContract.OUTCOME;

  private final EmfStream emf;
  private final String stage;

  JobRunMetrics(EmfStream emf, String stage) {
    this.emf = emf;
    this.stage = stage;
  }

  /** The Outcome dimension's value of a run. */
  static String outcome(JobRun run) {
    return SkipReason.of(run).map(SkipReason::metricOutcome).orElse(run.outcome().wireName());
  }

  void publish(JobRun run) {
    publish(run.job(), outcome(run), run.durationMs(), run.counts());
  }

  /** A run that never got going (invalid configuration): it failed, with nothing counted. */
  void publishFailedStart(JobName job) {
    publish(job, JobOutcome.FAILED.wireName(), 0, Map.of());
  }

  private void publish(JobName job, String outcome, long durationMs, Map<String, Long> counts) {
    try {
      MetricsLogger outcomes =
          emf.logger(EmfStream.STAGE, stage, JOB, job.wireName(), OUTCOME, outcome);
      outcomes.putMetric(JOB_OUTCOME, 1, Unit.COUNT);
      emf.flush(outcomes);
      MetricsLogger work = emf.logger(EmfStream.STAGE, stage, JOB, job.wireName());
      work.putMetric(JOB_DURATION, durationMs, Unit.MILLISECONDS);
      for (Map.Entry<String, Long> count : counts.entrySet()) {
        work.putMetric(count.getKey(), count.getValue(), Unit.COUNT);
      }
      emf.flush(work);
    } catch (InvalidMetricException e) {
      throw new IllegalStateException("job metrics are finite counts: " + e.getMessage(), e);
    }
  }
}
