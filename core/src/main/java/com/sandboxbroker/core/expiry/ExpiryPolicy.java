package com.sandboxbroker.core.expiry;

import java.time.Duration;

/**
 * @param staleGrace how long a {@code stale} record stays (for operators to look at) before it is
 *     purged
 */
public record ExpiryPolicy(Duration staleGrace) {
  /** The contract's default grace for auto-delete-stale. */
  public static final Duration DEFAULT_STALE_GRACE = Duration.ofHours(24);

  public static ExpiryPolicy defaults() {
    return new ExpiryPolicy(DEFAULT_STALE_GRACE);
  }
}
