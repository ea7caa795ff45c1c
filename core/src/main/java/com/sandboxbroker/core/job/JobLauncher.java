package com.sandboxbroker.core.job;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job the way every caller must (the jobs-runner, the local-mode scheduler, the admin API):
 * a paused job or one whose lock a live run holds is {@code skipped} at once; otherwise the run
 * holds the job's lock, renewed while it works, and ends with a job-run record.
 *
 * <p>The lock has an expiry so a crashed holder (kill -9, a lost ECS task) blocks the job for at
 * most one lock lifetime. Renewal every third of the lifetime tolerates two missed renewals; if the
 * lock is lost anyway, the job is asked to stop, because another run may now hold it.
 */
public final class JobLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(JobLauncher.class);

  private final JobStore store;
  private final Clock clock;
  private final Supplier<String> runIds;
  private final Duration lockTtl;
  private final Duration runRetention;
  private final ScheduledExecutorService renewals;
  private final JobRunListener listener;

  public JobLauncher(
      JobStore store,
      Clock clock,
      Supplier<String> runIds,
      Duration lockTtl,
      Duration runRetention,
      ScheduledExecutorService renewals) {
    this(store, clock, runIds, lockTtl, runRetention, renewals, JobRunListener.NONE);
  }

  public JobLauncher(
      JobStore store,
      Clock clock,
      Supplier<String> runIds,
      Duration lockTtl,
      Duration runRetention,
      ScheduledExecutorService renewals,
      JobRunListener listener) {
    if (lockTtl.toMillis() < 3) {
      throw new IllegalArgumentException("lockTtl too short");
    }
    this.store = store;
    this.clock = clock;
    this.runIds = runIds;
    this.lockTtl = lockTtl;
    this.runRetention = runRetention;
    this.renewals = renewals;
    this.listener = listener;
  }

  /** Runs {@code job} once; never throws for what the job does (the outcome says it). */
  public JobRun launch(Job job, String executionArn) {
    return launch(job, executionArn, RunWatch.NONE);
  }

  /** As {@link #launch(Job, String)}, with the caller's own stop signal and progress watch. */
  public JobRun launch(Job job, String executionArn, RunWatch watch) {
    String runId = runIds.get();
    long startedMillis = clock.millis();
    if (store.isPaused(job.name())) {
      return skipped(job, runId, startedMillis, executionArn, SkipReason.PAUSED);
    }
    if (!store.tryLock(job.name(), runId, startedMillis, lockTtl.toMillis())) {
      return skipped(job, runId, startedMillis, executionArn, SkipReason.LOCKED);
    }
    AtomicBoolean lockLost = new AtomicBoolean();
    AtomicLong steps = new AtomicLong();
    ScheduledFuture<?> renewal = renewWhileRunning(job, runId, watch, steps, lockLost);
    JobResult result;
    try {
      result =
          job.run(
              new JobContext(
                  () -> lockLost.get() || watch.stopRequested().getAsBoolean(),
                  runId,
                  () -> {
                    steps.incrementAndGet();
                    watch.progress().run();
                  }));
    } catch (RuntimeException e) {
      LOG.error("{} run {} failed", job.name().wireName(), runId, e);
      result = JobResult.failed(Map.of(), JobError.JOB_FAILED, e.getClass().getSimpleName());
    } finally {
      renewal.cancel(false);
    }
    try {
      store.unlock(job.name(), runId);
    } catch (RuntimeException e) {
      LOG.warn(
          "{} lock not released (it expires by itself): {}",
          job.name().wireName(),
          e.getClass().getSimpleName());
    }
    Map<String, Long> counts = new LinkedHashMap<>(result.counts());
    return finish(
        job,
        runId,
        startedMillis,
        executionArn,
        result.failure().isPresent() ? JobOutcome.FAILED : JobOutcome.SUCCEEDED,
        counts,
        result.failure(),
        result.detail());
  }

  /**
   * Renews the lock every third of its lifetime while the run makes progress (or always, when the
   * watch does not ask for progress); sets {@code lockLost} when another run has taken it.
   */
  private ScheduledFuture<?> renewWhileRunning(
      Job job, String runId, RunWatch watch, AtomicLong steps, AtomicBoolean lockLost) {
    AtomicLong stepsAtLastRenewal = new AtomicLong();
    long period = Math.max(1, lockTtl.toMillis() / 3);
    return renewals.scheduleAtFixedRate(
        () -> {
          try {
            long done = steps.get();
            if (watch.renewLockOnlyOnProgress() && done == stepsAtLastRenewal.get()) {
              return; // no step since the last renewal: a wedged run lets its lock lapse
            }
            if (!lockLost.get()
                && !store.renewLock(job.name(), runId, clock.millis(), lockTtl.toMillis())) {
              LOG.warn("{} run {} lost its lock; stopping early", job.name().wireName(), runId);
              lockLost.set(true);
            }
            stepsAtLastRenewal.set(done);
          } catch (RuntimeException e) {
            // a transient store error: the lock still has two renewals' worth of life left
            LOG.warn(
                "{} lock renewal failed: {}", job.name().wireName(), e.getClass().getSimpleName());
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  private JobRun skipped(
      Job job, String runId, long startedMillis, String executionArn, SkipReason reason) {
    return finish(
        job,
        runId,
        startedMillis,
        executionArn,
        JobOutcome.SKIPPED,
        Map.of(),
        Optional.empty(),
        reason.detail());
  }

  private JobRun finish(
      Job job,
      String runId,
      long startedMillis,
      String executionArn,
      JobOutcome outcome,
      Map<String, Long> counts,
      Optional<JobError> error,
      String detail) {
    long now = clock.millis();
    JobRun run =
        new JobRun(
            job.name(),
            runId,
            outcome,
            counts,
            startedMillis / 1000,
            now - startedMillis,
            executionArn,
            error,
            detail);
    try {
      store.recordRun(run, now / 1000 + runRetention.toSeconds());
    } catch (RuntimeException e) {
      // the report still goes out; a missing history entry must not turn a good run into a failure
      LOG.warn(
          "{} run record not written: {}", job.name().wireName(), e.getClass().getSimpleName());
    }
    try {
      listener.finished(run);
    } catch (RuntimeException e) {
      LOG.warn("{} run listener failed: {}", job.name().wireName(), e.getClass().getSimpleName());
    }
    return run;
  }
}
