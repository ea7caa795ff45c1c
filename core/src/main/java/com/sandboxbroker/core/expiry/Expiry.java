package com.sandboxbroker.core.expiry;

import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Expiry: leaked allocations past {@code expires_at} → {@code pending_deletion} (then cleanup
 * deletes them), and {@code stale} records older than the grace period are purged. Both are
 * conditional on what was read: an allocation renewed, released or re-claimed in between is left
 * alone, so expiry never undoes a live allocation.
 */
public final class Expiry implements Job {
  private final SandboxStore store;
  private final Clock clock;
  private final ExpiryPolicy policy;

  public Expiry(SandboxStore store, Clock clock, ExpiryPolicy policy) {
    this.store = store;
    this.clock = clock;
    this.policy = policy;
  }

  @Override
  public JobName name() {
    return JobName.EXPIRY;
  }

  @Override
  public JobResult run(JobContext context) {
    long now = clock.instant().getEpochSecond();
    long expired = 0;
    long purged = 0;
    long conflicts = 0;
    for (Sandbox s : store.sandboxesInStatus(SandboxStatus.ALLOCATED)) {
      if (context.shouldStop()) {
        break;
      }
      if (s.expiresAt() > 0 && s.expiresAt() <= now) {
        if (store.expireAllocation(s, now).applied()) {
          expired++;
        } else {
          conflicts++;
        }
      }
    }
    long staleBefore = now - policy.staleGrace().toSeconds();
    for (Sandbox s : store.sandboxesInStatus(SandboxStatus.STALE)) {
      if (context.shouldStop()) {
        break;
      }
      if (s.staleSince() <= staleBefore) {
        if (store.purgeStale(s, staleBefore)) {
          purged++;
        } else {
          conflicts++;
        }
      }
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("expired", expired);
    counts.put("purged_stale", purged);
    counts.put("conflicts", conflicts);
    return JobResult.succeeded(counts);
  }
}
