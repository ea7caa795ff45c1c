package com.sandboxbroker.service.metrics;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Timer;
import java.util.function.Supplier;

/**
 * Dropwizard's metric registry with lock-free reservoirs behind every timer and histogram created
 * by name. Jetty's instrumented handler and thread pool update several timers on every request; the
 * default {@code ExponentiallyDecayingReservoir} takes a lock and rescales a skip list on each
 * update, which showed as about 8 % of the request threads' CPU in the class-start profile (64
 * request threads on one core queue on that lock). {@link LockFreeExponentiallyDecayingReservoir}
 * is metrics-core's drop-in replacement with the same decay and snapshot semantics.
 */
public final class LockFreeMetricRegistry extends MetricRegistry {
  private final Supplier<Reservoir> reservoirs;

  public LockFreeMetricRegistry() {
    this(() -> LockFreeExponentiallyDecayingReservoir.builder().build());
  }

  /** With the given reservoirs (tests count what the registry asks for). */
  LockFreeMetricRegistry(Supplier<Reservoir> reservoirs) {
    this.reservoirs = reservoirs;
  }

  @Override
  public Timer timer(String name) {
    return timer(name, () -> new Timer(reservoirs.get()));
  }

  @Override
  public Histogram histogram(String name) {
    return histogram(name, () -> new Histogram(reservoirs.get()));
  }
}
