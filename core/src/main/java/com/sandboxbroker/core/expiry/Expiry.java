package com.sandboxbroker.core.expiry;

import com.sandboxbroker.core.admin.StalePurge;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Expiry: leaked allocations past {@code expires_at} → {@code pending_deletion} (then cleanup
 * deletes them), and {@code stale} records older than the grace period are purged. Both are
 * conditional on what was read: an allocation renewed, released or re-claimed in between is left
 * alone, so expiry never undoes a live allocation.
 *
 * <p>Allocations copied from the earlier broker's table carry no {@code lease_id} and sometimes no
 * {@code expires_at}; they expire on the same lease clock, {@code allocated_at} + the lab's lease
 * duration, instead of living for ever.
 */
public final class Expiry implements Job {
  private final SandboxStore store;
  private final Clock clock;
  private final ExpiryPolicy policy;
  private final StalePurge stalePurge;

  /** The lease duration of a lab label: the allocation policy's rule (default 48 h). */
  private final Function<String, Duration> leaseForLab;

  /** With the default lease for every lab (48 h), for items that carry no {@code expires_at}. */
  public Expiry(SandboxStore store, Clock clock, ExpiryPolicy policy) {
    this(store, clock, policy, lab -> AllocationPolicy.DEFAULT_LEASE);
  }

  public Expiry(
      SandboxStore store,
      Clock clock,
      ExpiryPolicy policy,
      Function<String, Duration> leaseForLab) {
    this.store = store;
    this.clock = clock;
    this.policy = policy;
    this.leaseForLab = leaseForLab;
    this.stalePurge = new StalePurge(store, clock);
  }

  /**
   * {@code expires_at}, or for an earlier broker's item without one its allocation + lease; 0:
   * unknown.
   */
  private long expiresAt(Sandbox s) {
    if (s.expiresAt() > 0) {
      return s.expiresAt();
    }
    return s.allocatedAt() > 0 ? s.allocatedAt() + leaseForLab.apply(s.trackName()).toSeconds() : 0;
  }

  @Override
  public JobName name() {
    return JobName.EXPIRY;
  }

  @Override
  public JobResult run(JobContext context) {
    long now = clock.instant().getEpochSecond();
    long expired = 0;
    long conflicts = 0;
    for (Sandbox s : store.sandboxesInStatus(SandboxStatus.ALLOCATED)) {
      if (context.shouldStop()) {
        break;
      }
      long expiresAt = expiresAt(s);
      if (expiresAt > 0 && expiresAt <= now) {
        if (store.expireAllocation(s, now).applied()) {
          expired++;
        } else {
          conflicts++;
        }
      }
    }
    StalePurge.Outcome stale = stalePurge.purgeOlderThan(policy.staleGrace(), context::shouldStop);
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("expired", expired);
    counts.put("purged_stale", stale.purged());
    counts.put("conflicts", conflicts + stale.conflicts());
    return JobResult.succeeded(counts);
  }
}
