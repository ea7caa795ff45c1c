package com.sandboxbroker.core.sandbox;

/** The identity already holds as many live allocations as the cap allows, under other keys. */
public final class IdentityLimitReachedException extends RuntimeException {
  private final int cap;

  public IdentityLimitReachedException(int cap) {
    super("Identity already holds " + cap + " live allocation(s)", null, false, false);
    this.cap = cap;
  }

  public int cap() {
    return cap;
  }
}
