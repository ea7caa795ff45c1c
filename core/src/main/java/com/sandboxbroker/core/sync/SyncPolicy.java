package com.sandboxbroker.core.sync;

/**
 * Rules of a sync run.
 *
 * @param maxMissingFraction the largest share of the pool one listing may report missing; more is
 *     treated as an upstream fault (an empty or truncated list), not as a mass deletion
 * @param writeParallelism concurrent conditional writes; DynamoDB scales far beyond this, the bound
 *     only keeps a 10,000-account first import from taking minutes on one thread
 */
public record SyncPolicy(double maxMissingFraction, int writeParallelism) {
  /** One in five accounts vanishing at once has never been a real deletion; an outage has. */
  public static final double DEFAULT_MAX_MISSING_FRACTION = 0.2;

  public static final int DEFAULT_WRITE_PARALLELISM = 8;

  /** Consecutive successful listings an account must be missing from before it becomes stale. */
  public static final int STRIKES_TO_STALE = 2;

  public SyncPolicy {
    if (maxMissingFraction < 0 || maxMissingFraction > 1) {
      throw new IllegalArgumentException("maxMissingFraction must be in 0..1");
    }
    if (writeParallelism < 1 || writeParallelism > 64) {
      throw new IllegalArgumentException("writeParallelism must be in 1..64");
    }
  }

  public static SyncPolicy defaults() {
    return new SyncPolicy(DEFAULT_MAX_MISSING_FRACTION, DEFAULT_WRITE_PARALLELISM);
  }
}
