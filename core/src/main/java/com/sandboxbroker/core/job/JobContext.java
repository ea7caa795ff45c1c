package com.sandboxbroker.core.job;

import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * What a running job may ask its launcher, and tell it.
 *
 * @param stopRequested true once the run must stop early (its lock was lost, or its task token is
 *     no longer valid); the job finishes the step in hand and returns, leaving everything else for
 *     the next run
 * @param runId this run's id: the job stamps it on what it claims (cleanup's deletion claims), so a
 *     record says which run holds it
 * @param progressListener told each time the job completed a step (an upstream call answered, a
 *     conditional write made); the jobs-runner heartbeats Step Functions only while steps complete,
 *     so a wedged job ends in a heartbeat timeout instead of looking healthy
 */
public record JobContext(BooleanSupplier stopRequested, String runId, Runnable progressListener) {
  public static final JobContext UNSUPERVISED = new JobContext(() -> false);

  /** A context with a fresh run id whose progress nobody watches. */
  public JobContext(BooleanSupplier stopRequested) {
    this(stopRequested, "unsupervised-" + UUID.randomUUID(), () -> {});
  }

  public boolean shouldStop() {
    return stopRequested.getAsBoolean();
  }

  /** The job completed a step. Cheap; safe from any thread. */
  public void progress() {
    progressListener.run();
  }
}
