package com.sandboxbroker.core.job;

import java.util.function.BooleanSupplier;

/**
 * What a running job may ask its launcher.
 *
 * @param stopRequested true once the run must stop early (its lock was lost); the job finishes the
 *     step in hand and returns, leaving everything else for the next run
 */
public record JobContext(BooleanSupplier stopRequested) {
  public static final JobContext UNSUPERVISED = new JobContext(() -> false);

  public boolean shouldStop() {
    return stopRequested.getAsBoolean();
  }
}
