package com.sandboxbroker.service.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.sandboxbroker.core.allocation.AllocationListener;

/**
 * Allocation internals in the metric registry: meter {@code allocation.claims.lost} counts
 * conditional claims lost to a concurrent writer (design §4: "count conflicts"). A rising rate
 * means instances fight over candidates; the benchmark reads it per successful allocation.
 */
public final class AllocationMetrics implements AllocationListener {
  public static final String CLAIMS_LOST = "allocation.claims.lost";

  private final Meter claimsLost;

  public AllocationMetrics(MetricRegistry registry) {
    this.claimsLost = registry.meter(CLAIMS_LOST);
  }

  @Override
  public void claimLost() {
    claimsLost.mark();
  }
}
