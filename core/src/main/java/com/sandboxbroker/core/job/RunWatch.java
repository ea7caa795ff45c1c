package com.sandboxbroker.core.job;

import java.util.function.BooleanSupplier;

/**
 * What the caller of one run adds to the launcher's own supervision (the job lock). The jobs-runner
 * uses it to tie a run to its Step Functions task: a run whose task token is no longer valid is
 * asked to stop, and a run that completes no step stops renewing its lock.
 *
 * @param stopRequested true once the caller wants the run to stop (besides a lost lock)
 * @param progress told each time the job completes a step ({@link JobContext#progress})
 * @param renewLockOnlyOnProgress renew the lock only when the job completed a step since the last
 *     renewal: a wedged run's lock then lapses about one lock lifetime after its last step, so the
 *     retry Step Functions starts after the heartbeat timeout finds the job free instead of being
 *     "skipped" (and reported as a success) behind a run that no longer does anything
 */
public record RunWatch(
    BooleanSupplier stopRequested, Runnable progress, boolean renewLockOnlyOnProgress) {
  /** The launcher's own supervision only: lock renewal on a timer, stop on a lost lock. */
  public static final RunWatch NONE = new RunWatch(() -> false, () -> {}, false);
}
