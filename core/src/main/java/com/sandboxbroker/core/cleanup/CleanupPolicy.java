package com.sandboxbroker.core.cleanup;

import java.time.Duration;

/**
 * Rules of a cleanup run.
 *
 * @param parallelism concurrent upstream deletes
 * @param maxAttempts failed deletes (5xx, timeouts, refusals) before a sandbox is {@code
 *     deletion_failed}; rate limits and deletes the drain breaker held back do not count
 * @param backoffBase delay before the first retry; doubles per attempt, with jitter
 * @param backoffMax longest delay between retries
 * @param maxItems most deletions one run attempts; the rest wait for the next run
 * @param deletedRetention how long a {@code deleted} audit record stays readable (then TTL)
 * @param breakerMinimumCalls deletes a run must have made before the drain breaker may open
 */
public record CleanupPolicy(
    int parallelism,
    int maxAttempts,
    Duration backoffBase,
    Duration backoffMax,
    int maxItems,
    Duration deletedRetention,
    int breakerMinimumCalls) {

  /**
   * CSP deletes take 5–10 s; four at a time is what its rate limits tolerated for the earlier
   * broker.
   */
  public static final int DEFAULT_PARALLELISM = 4;

  /**
   * With the default backoff, 8 attempts span about 4 h: longer than every outage seen (Nov 2025).
   */
  public static final int DEFAULT_MAX_ATTEMPTS = 8;

  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofHours(1);

  /** At 4 × 5–10 s per delete, 500 deletions fit well inside a 30-minute task. */
  public static final int DEFAULT_MAX_ITEMS = 500;

  /** The contract's default retention of deleted sandboxes' audit records. */
  public static final Duration DEFAULT_DELETED_RETENTION = Duration.ofDays(30);

  /** Ten deletes before judging "most fail": fewer would drain on a couple of unlucky calls. */
  public static final int DEFAULT_BREAKER_MINIMUM_CALLS = 10;

  public CleanupPolicy {
    if (parallelism < 1 || parallelism > 64) {
      throw new IllegalArgumentException("parallelism must be in 1..64");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    if (backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= base <= max");
    }
    if (maxItems < 1) {
      throw new IllegalArgumentException("maxItems must be >= 1");
    }
    if (breakerMinimumCalls < 1) {
      throw new IllegalArgumentException("breakerMinimumCalls must be >= 1");
    }
  }

  public static CleanupPolicy defaults() {
    return new CleanupPolicy(
        DEFAULT_PARALLELISM,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_BACKOFF_BASE,
        DEFAULT_BACKOFF_MAX,
        DEFAULT_MAX_ITEMS,
        DEFAULT_DELETED_RETENTION,
        DEFAULT_BREAKER_MINIMUM_CALLS);
  }
}
