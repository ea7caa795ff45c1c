package com.sandboxbroker.core.store;

import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.tenant.Tenant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broker's persistence port. Every state change is a conditional write on the state it expects;
 * a failed condition is reported as an outcome, never thrown as a storage exception. Reads of
 * single items are strongly consistent.
 */
public interface SandboxStore {

  /** Cheap reachability probe for readiness checks. */
  boolean isReachable();

  Optional<Sandbox> findSandbox(String sandboxId);

  /**
   * A page of {@code available} sandboxes, optionally only those whose name starts with {@code
   * namePrefix}. Reads an index and may be slightly stale; callers claim conditionally.
   */
  Page<Sandbox> findAvailable(String namePrefix, Optional<String> cursor, int limit);

  /** Every sandbox item (not leases or other bookkeeping), read to the end. */
  List<Sandbox> allSandboxes();

  /**
   * Gives live sandbox items that have no pool yet (written before pools existed, or copied from
   * the earlier broker's table) their pool, conditionally and idempotently; returns how many. A
   * store that derives pools on read has nothing to do.
   */
  default int assignMissingPools() {
    return 0;
  }

  /** Writes a new sandbox unless an item with its id exists; returns whether it wrote. */
  boolean insertSandbox(Sandbox sandbox);

  /**
   * Claims {@code lease.sandboxId()} for the lease's identity: only if it is {@code available} and
   * not fenced against this lease ({@link #fenceClaim}). Stamps owner, the owner's tenant, lab,
   * lease id and the lease's times on the sandbox.
   */
  TransitionResult claim(Lease lease);

  /**
   * Before a lease that looks abandoned is taken over: makes any later {@link #claim} of {@code
   * abandoned.sandboxId()} under {@code abandoned.leaseId()} fail, so a claim still in flight (a
   * stalled call, a paused process) can never land after the takeover. Returns false when that
   * claim already landed (the sandbox holds the lease id): the lease is not abandoned. A missing
   * sandbox counts as fenced, since nothing can be claimed there.
   */
  boolean fenceClaim(Lease abandoned);

  /**
   * Writes the lease into its (tenant, identity, slot) unless a lease is there that expires after
   * {@code now}; when one is, returns it.
   */
  LeasePutResult putLease(Lease lease, long now);

  /**
   * Takes the in-flight mark of one idempotency key of an identity (used when its cap is above 1,
   * where one key's requests could otherwise write two different slots at once): a conditional
   * write that succeeds when no other holder has the key until after {@code nowMillis}. The same
   * {@code holder} taking it again succeeds (an SDK retry of its own write).
   *
   * @return true when {@code holder} now has the key until {@code untilMillis}
   */
  boolean markKeyInFlight(
      String tenant,
      String identity,
      String idempotencyKey,
      String holder,
      long nowMillis,
      long untilMillis);

  /** Removes the in-flight mark if {@code holder} still has it; otherwise does nothing. */
  void clearKeyInFlight(String tenant, String identity, String idempotencyKey, String holder);

  /** The lease in a slot of an identity of a tenant (contract §6: identities are per tenant). */
  Optional<Lease> findLease(String tenant, String identity, int slot);

  /** The lease in a slot of an identity of the {@code default} tenant. */
  default Optional<Lease> findLease(String identity, int slot) {
    return findLease(Tenant.DEFAULT, identity, slot);
  }

  /**
   * Replaces {@code current} by {@code next} in the same slot, only if the slot still holds {@code
   * current} unchanged (same lease id and candidate).
   */
  boolean replaceLease(Lease current, Lease next);

  /**
   * The owner's release: {@code allocated} held by {@code identity} of {@code tenant} → {@code
   * pending_deletion} stamped with {@code now}. Returns the item after the write, or as it stood if
   * the condition failed (empty if missing). An item without a tenant is the default tenant's.
   */
  TransitionResult markForDeletion(String sandboxId, String tenant, String identity, long now);

  /** The owner's release by an identity of the {@code default} tenant. */
  default TransitionResult markForDeletion(String sandboxId, String identity, long now) {
    return markForDeletion(sandboxId, Tenant.DEFAULT, identity, now);
  }

  // ---- background jobs (sync, cleanup, expiry). Each is one conditional write on the state the
  // job read (status, and the item's version where a concurrent writer could have changed it), so
  // a job never overwrites a track's or another job's concurrent change. A lost condition is an
  // outcome ({@code applied == false}), never an exception.

  /** Every sandbox in {@code status}, read from {@code StatusIndex} to the end. */
  List<Sandbox> sandboxesInStatus(SandboxStatus status);

  /**
   * Sync: writes only the upstream attributes that differ from {@code seen} and clears the missing
   * count. Condition: unchanged since read ({@code version}) and still {@code available}.
   */
  TransitionResult refreshFromUpstream(Sandbox seen, UpstreamSandbox upstream);

  /** Sync, first strike: an {@code available} item absent from a listing; missing count + 1. */
  TransitionResult recordMissing(Sandbox seen);

  /** Sync, second strike: {@code available} → {@code stale}, stamped {@code staleSince = now}. */
  TransitionResult markStale(Sandbox seen, long now);

  /** Sync: a {@code stale} account listed again → {@code available}, attributes refreshed. */
  TransitionResult reviveStale(Sandbox seen, UpstreamSandbox upstream);

  /**
   * Expiry: {@code allocated} under the same lease and {@code expires_at <= now} → {@code
   * pending_deletion}; the owner is kept so they can still read and mark it. An item the earlier
   * broker wrote (no lease id or no {@code expires_at}) is expired on the caller's reading of its
   * lease clock, with the condition that it is unchanged since {@code seen} (status and version).
   */
  TransitionResult expireAllocation(Sandbox seen, long now);

  /** Expiry: removes a {@code stale} record whose {@code stale_since <= staleBefore}. */
  boolean purgeStale(Sandbox seen, long staleBefore);

  /**
   * Cleanup, before any upstream side effect (the pre-delete hook, the DELETE): claims the right to
   * delete {@code seen} for run {@code runId}. Cleanup reads its work from an eventually consistent
   * index, so what it saw may be gone: the record removed, the account re-imported by sync and now
   * held by another learner. The claim applies only if the sandbox is still {@code
   * pending_deletion} at the version read and under the same lease; it stamps the run id and the
   * time and bumps the version, so of two runs that read the same item only one wins. (Runs overlap
   * only when one lost the job lock; a crashed run's claims bind nobody, so the next run finishes
   * its items at once.)
   */
  TransitionResult claimDeletion(Sandbox seen, String runId, long now);

  /** Cleanup: the pre-delete hook's outcome, recorded on a {@code pending_deletion} sandbox. */
  TransitionResult recordPreDeleteOutcome(Sandbox seen, String outcome, long now);

  /**
   * Cleanup: verified gone upstream → {@code deleted}, an audit record that DynamoDB's TTL removes
   * at {@code ttl}. The owner is kept: they may still read it and repeat mark-for-deletion.
   */
  TransitionResult recordDeleted(Sandbox seen, long now, long ttl);

  /**
   * Cleanup: a delete that did not succeed stays {@code pending_deletion} and becomes due again at
   * {@code nextAttemptAt}; {@code attempts} is the new attempt count (unchanged for a rate limit).
   */
  TransitionResult recordDeletionRetry(
      Sandbox seen, int attempts, long nextAttemptAt, String error);

  /** Cleanup: attempts exhausted → {@code deletion_failed} (an operator may retry it). */
  TransitionResult recordDeletionFailed(Sandbox seen, int attempts, String error);

  /**
   * Lease extension (contract §7): the sandbox — still {@code allocated} under {@code seen}'s
   * lease, {@code expires_at > now} and {@code < newExpiresAt} — and the lease that claimed it move
   * to {@code newExpiresAt} together, atomically. Not applied: {@code current} is the sandbox as it
   * stands now.
   */
  TransitionResult extendLease(Sandbox seen, long newExpiresAt, long now);

  /**
   * The outcome of a conditional transition (a claim included).
   *
   * @param current the item after the write when applied, or as it stood when the condition failed;
   *     empty when the item no longer exists
   */
  record TransitionResult(boolean applied, Optional<Sandbox> current) {
    public static TransitionResult applied(Sandbox after) {
      return new TransitionResult(true, Optional.of(after));
    }

    public static TransitionResult lost(Optional<Sandbox> current) {
      return new TransitionResult(false, current);
    }
  }

  /** Counts sandboxes by status exactly (reads to the end). */
  default Map<SandboxStatus, Long> countByStatus() {
    var counts = new EnumMap<SandboxStatus, Long>(SandboxStatus.class);
    for (SandboxStatus s : SandboxStatus.values()) {
      counts.put(s, 0L);
    }
    for (Sandbox s : allSandboxes()) {
      counts.merge(s.status(), 1L, Long::sum);
    }
    return counts;
  }

  // ---- admin API: operator listing and repairs ----

  /**
   * One page of sandboxes matching {@code filter}. A page is never short while more items match:
   * the store keeps reading until it holds {@code limit} items or the data ends. The cursor is
   * empty when the read reached the end. A cursor this store did not produce for the same kind of
   * listing throws {@link InvalidCursorException}.
   */
  Page<Sandbox> listSandboxes(SandboxFilter filter, Optional<String> cursor, int limit);

  /** The sandbox with its recorded operator actions (strongly consistent). */
  Optional<AuditedSandbox> findAudited(String sandboxId);

  /**
   * Admin repair: {@code deletion_failed} → {@code pending_deletion}, with the attempt counter and
   * back-off reset so cleanup tries again at once; {@code action} is appended to the item's trail.
   */
  TransitionResult retryDeletion(String sandboxId, AdminAction action);

  /**
   * Admin release: any live status except {@code pending_deletion} → {@code pending_deletion},
   * stamped with {@code action.at()} as the deletion request time; {@code action} is appended to
   * the item's trail. The condition is the status the caller saw ({@code action.fromStatus()}), so
   * a concurrent change is reported, never overwritten.
   */
  TransitionResult forceRelease(String sandboxId, AdminAction action);

  /**
   * Removes every sandbox record in {@code status} from the table (never upstream), each with a
   * condition on that status; returns how many it removed. Refuses (IllegalArgumentException) a
   * status that {@linkplain SandboxStatus#namesAUsedAccount names a used account}: sync would
   * re-import the account and hand it to a new learner.
   */
  int deleteByStatus(SandboxStatus status);

  /** Removes {@code stale} records whose {@code stale_since} is at or before the cutoff. */
  int deleteStale(long staleSinceAtOrBefore);
}
