package com.sandboxbroker.jobs;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The steps one run completed: an upstream response received, a table call answered. Heartbeats go
 * out only when this moved since the last one, and the stall watch stops a run whose last step is
 * older than its limit. A job waiting on something that never answers therefore looks exactly as
 * dead as it is.
 */
final class RunProgress {
  private final AtomicLong steps = new AtomicLong();
  private volatile long lastStepNanos = System.nanoTime();

  void step() {
    steps.incrementAndGet();
    lastStepNanos = System.nanoTime();
  }

  long steps() {
    return steps.get();
  }

  long nanosSinceLastStep() {
    return System.nanoTime() - lastStepNanos;
  }
}
