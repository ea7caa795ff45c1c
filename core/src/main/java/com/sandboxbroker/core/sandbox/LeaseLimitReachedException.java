package com.sandboxbroker.core.sandbox;

/** The allocation's {@code expires_at} already stands at its cap; nothing was changed. */
public final class LeaseLimitReachedException extends RuntimeException {
  private final long maxExpiresAt;

  public LeaseLimitReachedException(long maxExpiresAt) {
    super("The lease is already at its maximum length", null, false, false);
    this.maxExpiresAt = maxExpiresAt;
  }

  /** The latest {@code expires_at} this allocation can have. */
  public long maxExpiresAt() {
    return maxExpiresAt;
  }
}
