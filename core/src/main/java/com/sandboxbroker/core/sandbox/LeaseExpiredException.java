package com.sandboxbroker.core.sandbox;

/** The allocation's {@code expires_at} has passed: an expired allocation is never revived. */
public final class LeaseExpiredException extends RuntimeException {
  public LeaseExpiredException() {
    super("The lease has expired", null, false, false);
  }
}
