package com.sandboxbroker.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Allocation rules from config; defaults are the contract's. */
public final class AllocationFactory {
  @JsonProperty
  @Min(1)
  @Max(100)
  private int identityCap = AllocationPolicy.DEFAULT_IDENTITY_CAP;

  @JsonProperty
  @Min(1)
  private int leaseHours = (int) AllocationPolicy.DEFAULT_LEASE.toHours();

  /**
   * A lease of 0 hours would expire at allocation: every value is at least an hour, like
   * leaseHours.
   */
  @JsonProperty @jakarta.validation.constraints.NotNull
  private Map<String, @jakarta.validation.constraints.NotNull @Min(1) Integer> leaseHoursByLab =
      new HashMap<>();

  @JsonProperty
  @Min(1)
  @Max(60)
  private int claimBudgetSeconds = (int) AllocationPolicy.DEFAULT_CLAIM_BUDGET.toSeconds();

  @JsonProperty
  @Min(1)
  @Max(1000)
  private int candidateBatch = AllocationPolicy.DEFAULT_CANDIDATE_BATCH;

  /**
   * Contract §7: an extension never takes an allocation past {@code allocated_at + maxLeaseHours}
   * (a token may set its own bound).
   */
  @JsonProperty
  @Min(1)
  private int maxLeaseHours = 96;

  public Duration maxLease() {
    return Duration.ofHours(maxLeaseHours);
  }

  public AllocationPolicy build() {
    Map<String, Duration> byLab = new HashMap<>();
    leaseHoursByLab.forEach((lab, hours) -> byLab.put(lab, Duration.ofHours(hours)));
    return new AllocationPolicy(
        identityCap,
        Duration.ofHours(leaseHours),
        byLab,
        Duration.ofSeconds(claimBudgetSeconds),
        candidateBatch);
  }
}
