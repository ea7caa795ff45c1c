package com.sandboxbroker.core.allocation;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules an allocation follows.
 *
 * @param identityCap live allocations one identity may hold (contract default 1)
 * @param leaseDuration the one lease clock: {@code expires_at = allocated_at + leaseDuration}
 * @param leaseDurationByLab overrides of the lease duration for particular labels
 * @param claimBudget how long one request may keep retrying lost claims before giving up; also
 *     bounds how long a written-but-unclaimed lease counts as "in flight"
 * @param candidateBatch how many candidates one index read fetches into the in-process buffer
 */
public record AllocationPolicy(
    int identityCap,
    Duration leaseDuration,
    Map<String, Duration> leaseDurationByLab,
    Duration claimBudget,
    int candidateBatch) {

  public static final int DEFAULT_IDENTITY_CAP = 1;
  public static final Duration DEFAULT_LEASE = Duration.ofHours(48);
  /** Long enough to ride out a burst of hundreds of lost claims, short of client timeouts (30 s). */
  public static final Duration DEFAULT_CLAIM_BUDGET = Duration.ofSeconds(10);
  /** One index page of 100 serves 100 allocations: the read's cost per allocation is ~0.01. */
  public static final int DEFAULT_CANDIDATE_BATCH = 100;

  public AllocationPolicy {
    if (identityCap < 1) {
      throw new IllegalArgumentException("identityCap must be >= 1");
    }
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    if (leaseDuration.isNegative() || leaseDuration.isZero()) {
      throw new IllegalArgumentException("leaseDuration must be positive");
    }
    leaseDurationByLab = Map.copyOf(leaseDurationByLab);
    if (claimBudget.isNegative() || claimBudget.isZero()) {
      throw new IllegalArgumentException("claimBudget must be positive");
    }
    if (candidateBatch < 1 || candidateBatch > 1000) {
      throw new IllegalArgumentException("candidateBatch must be in 1..1000");
    }
  }

  public static AllocationPolicy defaults() {
    return new AllocationPolicy(
        DEFAULT_IDENTITY_CAP, DEFAULT_LEASE, Map.of(), DEFAULT_CLAIM_BUDGET, DEFAULT_CANDIDATE_BATCH);
  }

  /** The lease for a request: the caller's (token) override, else the lab's, else the default. */
  public Duration leaseFor(String lab, Optional<Duration> override) {
    return override.orElseGet(() -> leaseDurationByLab.getOrDefault(lab, leaseDuration));
  }
}
