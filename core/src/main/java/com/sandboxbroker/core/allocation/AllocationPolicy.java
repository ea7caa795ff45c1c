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

  /**
   * Long enough to ride out a burst of hundreds of lost claims, short of client timeouts (30 s).
   */
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
        DEFAULT_IDENTITY_CAP,
        DEFAULT_LEASE,
        Map.of(),
        DEFAULT_CLAIM_BUDGET,
        DEFAULT_CANDIDATE_BATCH);
  }

  /**
   * How old an unclaimed lease must be before another key may take its slot over (after fencing its
   * claim): twice the claim budget, so a writer still inside its budget is never taken over.
   */
  public Duration takeoverAge() {
    return claimBudget.multipliedBy(2);
  }

  /**
   * The longest one store call may take, all SDK attempts and backoff included (the SDK's {@code
   * apiCallTimeout}): half the claim budget. A claim sent just before the budget runs out then
   * lands or fails by budget + call timeout = 1.5 × budget, before {@link #takeoverAge()}: every
   * call is bounded, so a late claim cannot outlive the lease that named it. Every DynamoDB client
   * of the service and the jobs-runner is built with it.
   */
  public Duration storeCallTimeout() {
    return claimBudget.dividedBy(2);
  }

  /**
   * One attempt of a store call (the SDK's {@code apiCallAttemptTimeout}): at least two fit in a
   * call.
   */
  public Duration storeCallAttemptTimeout() {
    return storeCallTimeout().dividedBy(2);
  }

  /** The lease for a request: the caller's (token) override, else the lab's, else the default. */
  public Duration leaseFor(String lab, Optional<Duration> override) {
    return override.orElseGet(() -> leaseDurationByLab.getOrDefault(lab, leaseDuration));
  }
}
