package com.sandboxbroker.core.allocation;

/** Observes allocation internals for metrics; core stays free of any metrics library. */
public interface AllocationListener {
  AllocationListener NONE = new AllocationListener() {};

  /** A conditional claim lost to a concurrent writer (another instance, or a stale index entry). */
  default void claimLost() {}
}
