package com.sandboxbroker.jobs;

import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobError;
import com.sandboxbroker.core.job.JobLauncher;
import com.sandboxbroker.core.job.JobOutcome;
import com.sandboxbroker.core.job.JobRun;
import com.sandboxbroker.core.job.RunWatch;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * One run of a job with valid settings, from its clients to its report: the job runs on a thread of
 * its own under {@link JobLauncher}, watched for a task token Step Functions no longer accepts and
 * for a stall; stdout gets the one report line, stderr the run's metrics, Step Functions the
 * outcome.
 */
final class JobExecution {
  private static final Logger LOG = LoggerFactory.getLogger(JobExecution.class);

  /** How often the stall watch looks; fine enough for limits of seconds (tests) to minutes. */
  private static final long STALL_CHECK_MILLIS = 500;

  private static final long AWAIT_POLL_MILLIS = 200;

  /** A stopped job's moment to return by itself (its upstream calls abort on the interrupt). */
  private static final long STOP_GRACE_MILLIS = 5_000;

  private final RunnerSettings settings;
  private final PrintStream out;
  private final JobRunMetrics metrics;
  private final Clock clock;
  private final long startedMillis;
  private final String executionArn;
  private final String runId = UUID.randomUUID().toString();
  private final RunProgress progress = new RunProgress();
  // why this run must stop early (the task token is no longer valid, or no step for too long)
  private final AtomicReference<String> stopReason = new AtomicReference<>();
  private Optional<TaskTokenReporter> reporter = Optional.empty();

  JobExecution(
      RunnerSettings settings,
      PrintStream out,
      JobRunMetrics metrics,
      Clock clock,
      long startedMillis,
      String executionArn) {
    this.settings = settings;
    this.out = out;
    this.metrics = metrics;
    this.clock = clock;
    this.startedMillis = startedMillis;
    this.executionArn = executionArn;
  }

  /**
   * Runs the job {@code jobs} builds on the (progress-reporting) store; returns the exit code.
   *
   * @param jobs the composition root's wiring: the job for these settings, its every step counted
   */
  int run(BiFunction<SandboxStore, Runnable, Job> jobs) {
    ScheduledExecutorService scheduler = daemonScheduler();
    ExecutorService jobThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "jobs-runner-job");
              t.setDaemon(true); // a job wedged past its stop must not keep the process alive
              return t;
            });
    AwsClientFactory aws = new AwsClientFactory(settings.region());
    try (DynamoDbClient dynamo = aws.dynamoDb(settings.dynamoDbEndpoint());
        SfnClient sfn =
            settings.taskToken().isPresent() ? aws.stepFunctions(settings.sfnEndpoint()) : null) {
      if (sfn != null) {
        startHeartbeats(new TaskTokenReporter(sfn, settings.taskToken().get()), scheduler);
      }
      startStallWatch(scheduler);
      DynamoDbSandboxStore store =
          new DynamoDbSandboxStore(dynamo, settings.tableName(), settings.pools());
      if (settings.createTable()) {
        new SandboxTable(dynamo, settings.tableName()).createIfMissing();
      }
      DynamoDbJobStore jobStore = new DynamoDbJobStore(dynamo, settings.tableName());
      JobLauncher launcher =
          new JobLauncher(
              jobStore, clock, () -> runId, settings.lockTtl(), settings.runRetention(), scheduler);
      Job work = jobs.apply(JobsRunner.progressReporting(store, progress::step), progress::step);
      RunWatch watch = new RunWatch(() -> stopReason.get() != null, progress::step, true);
      Future<JobRun> running = jobThread.submit(() -> launcher.launch(work, executionArn, watch));
      JobRun run = await(running);
      if (stopReason.get() != null) {
        return stopped(jobStore, running, run, stopReason.get());
      }
      finish(run);
      return run.exitCode();
    } catch (RuntimeException e) {
      // the table unreachable for the lock, a broken inventory file: the run never got going
      LOG.error("{} could not run: {}", settings.job().wireName(), e.getClass().getSimpleName(), e);
      finish(failed("", Map.of(), e.getClass().getSimpleName()));
      return JobError.JOB_FAILED.exitCode();
    } finally {
      jobThread.shutdownNow();
      scheduler.shutdownNow();
    }
  }

  private static ScheduledExecutorService daemonScheduler() {
    return Executors.newScheduledThreadPool(
        2,
        r -> {
          Thread t = new Thread(r, "jobs-runner-timer");
          t.setDaemon(true); // never keeps the process alive past its report
          return t;
        });
  }

  private void startHeartbeats(TaskTokenReporter tokenReporter, ScheduledExecutorService timer) {
    reporter = Optional.of(tokenReporter);
    tokenReporter.startHeartbeats(
        timer,
        settings.heartbeatPeriod(),
        progress::steps,
        () ->
            stopReason.compareAndSet(
                null,
                "stopped: the task token is no longer valid (Step Functions ended the task)"));
  }

  private void startStallWatch(ScheduledExecutorService timer) {
    long stallNanos = settings.stallLimit().toNanos();
    timer.scheduleAtFixedRate(
        () -> {
          if (progress.nanosSinceLastStep() > stallNanos) {
            stopReason.compareAndSet(
                null,
                "stopped: no progress for "
                    + settings.stallLimit().toSeconds()
                    + " s (past the heartbeat timeout)");
          }
        },
        STALL_CHECK_MILLIS,
        STALL_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** The finished run, or null as soon as the run is asked to stop. */
  private JobRun await(Future<JobRun> running) {
    while (true) {
      try {
        return running.get(AWAIT_POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (stopReason.get() != null) {
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopReason.compareAndSet(null, "stopped: interrupted");
        return null;
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException(e.getCause());
      }
    }
  }

  /**
   * A run that must stop: the job is interrupted (its upstream calls abort at once) and given a
   * moment to return; the lock is released either way (a conditional delete on this run's id: a
   * no-op if the launcher already did it or another run holds it now), and the run ends failed,
   * exit 1. Step Functions is told only while the token is still valid.
   */
  private int stopped(
      DynamoDbJobStore jobStore, Future<JobRun> running, JobRun finished, String reason) {
    LOG.error("{} run {}: {}", settings.job().wireName(), runId, reason);
    JobRun run = finished == null ? afterGrace(running) : finished;
    try {
      jobStore.unlock(settings.job(), runId);
    } catch (RuntimeException e) {
      LOG.warn(
          "{} lock not released (it expires by itself): {}",
          settings.job().wireName(),
          e.getClass().getSimpleName());
    }
    JobRun result = failed(runId, run == null ? Map.of() : run.counts(), reason);
    if (run == null) {
      try {
        jobStore.recordRun(result, clock.millis() / 1000 + settings.runRetention().toSeconds());
      } catch (RuntimeException e) {
        LOG.warn(
            "{} run record not written: {}",
            settings.job().wireName(),
            e.getClass().getSimpleName());
      }
    }
    // a stopped run is a failed one for the JobOutcome alarms too; Step Functions is told only
    // while it still accepts the token
    reporter = reporter.filter(r -> !r.tokenInvalid());
    finish(result);
    return JobError.JOB_FAILED.exitCode();
  }

  /** The interrupted job's run if it returns within the grace, else null (still wedged). */
  private static JobRun afterGrace(Future<JobRun> running) {
    running.cancel(true);
    try {
      return running.get(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | CancellationException e) {
      // still wedged (or gone): the lock is released all the same
    }
    return null;
  }

  private JobRun failed(String id, Map<String, Long> counts, String detail) {
    return new JobRun(
        settings.job(),
        id,
        JobOutcome.FAILED,
        counts,
        startedMillis / 1000,
        clock.millis() - startedMillis,
        executionArn,
        Optional.of(JobError.JOB_FAILED),
        detail);
  }

  /** The report line, the run's metrics, then Step Functions, in that order. */
  private void finish(JobRun run) {
    String report = JobReport.toJson(run);
    out.println(report);
    out.flush();
    JobsRunner.publish(() -> metrics.publish(run));
    reporter.ifPresent(r -> tell(r, run, report));
  }

  private static void tell(TaskTokenReporter reporter, JobRun run, String report) {
    try {
      if (run.outcome() == JobOutcome.FAILED) {
        reporter.failed(
            run.error().orElse(JobError.JOB_FAILED).errorName(),
            run.detail().isEmpty() ? run.outcome().wireName() : run.detail());
      } else {
        reporter.succeeded(report);
      }
    } catch (RuntimeException e) {
      // Step Functions will time the task out on missing heartbeats and retry it
      LOG.error("could not report to Step Functions: {}", e.getClass().getSimpleName());
    }
  }
}
