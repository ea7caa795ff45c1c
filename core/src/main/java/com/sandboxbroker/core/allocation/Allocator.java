package com.sandboxbroker.core.allocation;

import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.core.sandbox.DeletionMark;
import com.sandboxbroker.core.sandbox.IdentityLimitReachedException;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.NoSandboxAvailableException;
import com.sandboxbroker.core.sandbox.NotSandboxOwnerException;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxNotFoundException;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.ClaimResult;
import com.sandboxbroker.core.store.LeasePutResult;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import com.sandboxbroker.core.tenant.Tenant;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The track-facing use cases: allocate, the owner's view, mark for deletion.
 *
 * <p>Allocation protocol (two conditional writes, no transaction; design §3):
 *
 * <ol>
 *   <li>Write the identity's lease into its slot, naming a candidate ({@code PutItem}, condition:
 *       slot empty or its lease expired). When the slot is taken the store returns the lease that
 *       holds it: the same idempotency key is a replay, another key means the slot is used.
 *   <li>Claim the candidate ({@code UpdateItem}, condition: {@code status = available}), stamping
 *       the lease id on it. A lost claim moves the lease to a fresh candidate (conditional on the
 *       lease being unchanged) and tries again, within the claim budget.
 * </ol>
 *
 * A crash between the two writes leaves a lease naming an unclaimed candidate; a replay completes
 * it, and after twice the claim budget another key may take the slot over. A sandbox is only ever
 * claimed from {@code available}, so it can never have two owners.
 */
public final class Allocator {
  private final SandboxStore store;
  private final AllocationPolicy policy;
  private final Clock clock;
  private final Supplier<String> leaseIds;
  private final AllocationListener listener;
  private final CandidatePool candidates;
  private final long budgetNanos;
  /** A lease written this long ago and still unclaimed was abandoned by its writer. */
  private final long inFlightMillis;

  public Allocator(
      SandboxStore store,
      AllocationPolicy policy,
      Clock clock,
      Supplier<String> leaseIds,
      AllocationListener listener) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
    this.leaseIds = leaseIds;
    this.listener = listener;
    this.candidates = new CandidatePool(store, policy.candidateBatch());
    this.budgetNanos = policy.claimBudget().toNanos();
    this.inFlightMillis = 2 * policy.claimBudget().toMillis();
  }

  public Allocation allocate(AllocationRequest request) {
    long deadline = System.nanoTime() + budgetNanos;
    int cap = request.identityCapOverride().orElse(policy.identityCap());
    for (int slot = 0; slot < cap; slot++) {
      Optional<Allocation> result = allocateInSlot(request, slot, deadline);
      if (result.isPresent()) {
        return result.get();
      }
    }
    throw new IdentityLimitReachedException(cap);
  }

  /** The owner's view for an identity of the {@code default} tenant. */
  public Sandbox ownerView(String sandboxId, String identity) {
    return ownerView(sandboxId, Tenant.DEFAULT, identity);
  }

  /**
   * The owner's view of a sandbox, in any status, until its record is gone. Another tenant's
   * sandbox is not found (its existence is not revealed); another identity's of the same tenant is
   * not the caller's.
   */
  public Sandbox ownerView(String sandboxId, String tenant, String identity) {
    Sandbox sandbox = store.findSandbox(sandboxId).orElseThrow(SandboxNotFoundException::new);
    checkOwner(sandbox, tenant, identity);
    return sandbox;
  }

  /** Mark for deletion for an identity of the {@code default} tenant. */
  public DeletionMark markForDeletion(String sandboxId, String identity) {
    return markForDeletion(sandboxId, Tenant.DEFAULT, identity);
  }

  /** The owner is done: idempotent, also after cleanup finished. */
  public DeletionMark markForDeletion(String sandboxId, String tenant, String identity) {
    TransitionResult result = store.markForDeletion(sandboxId, tenant, identity, epochSecond());
    Sandbox current = result.current().orElseThrow(SandboxNotFoundException::new);
    checkOwner(current, tenant, identity);
    if (!result.applied() && current.status() == SandboxStatus.ALLOCATED) {
      // held by us yet the condition failed: it changed in between; decide on the fresh state
      return markForDeletion(sandboxId, tenant, identity);
    }
    return new DeletionMark(current.sandboxId(), current.status(), current.deletionRequestedAt());
  }

  private static void checkOwner(Sandbox sandbox, String tenant, String identity) {
    if (!sandbox.isVisibleTo(tenant)) {
      throw new SandboxNotFoundException();
    }
    if (!sandbox.isHeldBy(tenant, identity)) {
      throw new NotSandboxOwnerException();
    }
  }

  /** Returns empty when this slot holds another live allocation of the identity. */
  private Optional<Allocation> allocateInSlot(AllocationRequest request, int slot, long deadline) {
    while (true) {
      long now = epochSecond();
      Sandbox candidate;
      try {
        candidate = candidates.take(request.namePrefix(), deadline);
      } catch (NoSandboxAvailableException empty) {
        // The pool is dry, but a replay must still get its sandbox back.
        Optional<Lease> existing = store.findLease(request.tenant(), request.identity(), slot);
        if (existing.isPresent() && existing.get().expiresAt() > now) {
          Optional<Allocation> replay = resumeExisting(request, existing.get(), deadline);
          if (replay.isPresent() || !isDead(existing.get(), now)) {
            return replay;
          }
        }
        throw empty;
      }
      Lease lease = newLease(request, slot, candidate, now);
      LeasePutResult put = store.putLease(lease, now);
      // An SDK retry of a put whose first attempt landed finds our own lease: still ours to create.
      if (put.written() || put.existing().map(l -> l.leaseId().equals(lease.leaseId())).orElse(false)) {
        return Optional.of(complete(lease, true, deadline));
      }
      candidates.giveBack(candidate);
      Lease existing = put.existing().orElseThrow();
      Optional<Allocation> replay = resumeExisting(request, existing, deadline);
      if (replay.isPresent() || !isDead(existing, now)) {
        return replay;
      }
      // The slot holds a dead lease (released, or abandoned before its claim): take it over.
      Sandbox fresh = candidates.take(request.namePrefix(), deadline);
      Lease takeover = newLease(request, slot, fresh, now);
      if (store.replaceLease(existing, takeover)) {
        return Optional.of(complete(takeover, true, deadline));
      }
      candidates.giveBack(fresh); // someone else changed the slot first; look again
    }
  }

  /** A replay of the same key gets its live (or still pending) allocation; else empty. */
  private Optional<Allocation> resumeExisting(AllocationRequest request, Lease existing, long deadline) {
    if (!existing.idempotencyKey().equals(request.idempotencyKey())) {
      return Optional.empty();
    }
    Optional<Sandbox> named = store.findSandbox(existing.sandboxId());
    boolean claimedByLease = named.map(s -> s.leaseId().equals(existing.leaseId())).orElse(false);
    if (claimedByLease) {
      return named.get().status() == SandboxStatus.ALLOCATED
          ? Optional.of(Allocation.of(existing, false))
          : Optional.empty(); // released: the replay window is over
    }
    // Pending: its writer is still claiming, or crashed before it could. Complete it ourselves.
    return Optional.of(complete(existing, false, deadline));
  }

  /** Whether a lease no longer protects a live or in-flight allocation. */
  private boolean isDead(Lease lease, long now) {
    if (lease.expiresAt() <= now) {
      return true;
    }
    Optional<Sandbox> named = store.findSandbox(lease.sandboxId());
    if (named.isPresent() && named.get().leaseId().equals(lease.leaseId())) {
      return named.get().status() != SandboxStatus.ALLOCATED;
    }
    return clock.millis() - lease.createdAtMillis() > inFlightMillis;
  }

  private Allocation complete(Lease lease, boolean created, long deadline) {
    Lease current = lease;
    while (true) {
      if (System.nanoTime() > deadline) {
        throw new AllocationTimeoutException();
      }
      if (clock.millis() - current.createdAtMillis() > inFlightMillis / 2) {
        // Resuming an old pending lease: re-stamp it so no other key treats it as abandoned
        // while we claim.
        Lease restamped = restamp(current);
        if (!store.replaceLease(current, restamped)) {
          current = reread(current);
          continue;
        }
        current = restamped;
      }
      ClaimResult claim = store.claim(current);
      candidates.resolved(current.sandboxId());
      if (claim.claimed()) {
        return Allocation.of(current, created);
      }
      Optional<Sandbox> seen = claim.current();
      if (seen.isPresent() && seen.get().leaseId().equals(current.leaseId())) {
        return Allocation.of(current, created); // a concurrent replay claimed it for this lease
      }
      listener.claimLost();
      Sandbox next = candidates.take(current.namePrefix(), deadline);
      Lease moved = current.withCandidate(next);
      if (store.replaceLease(current, moved)) {
        current = moved;
      } else {
        candidates.giveBack(next);
        current = reread(current); // a concurrent replay moved it already
      }
    }
  }

  private Lease reread(Lease lease) {
    return store
        .findLease(lease.tenant(), lease.identity(), lease.slot())
        .filter(l -> l.leaseId().equals(lease.leaseId()))
        .orElseThrow(AllocationTimeoutException::new); // taken over: the caller may retry
  }

  private Lease restamp(Lease l) {
    return new Lease(
        l.identity(), l.slot(), l.idempotencyKey(), l.leaseId(), l.sandboxId(), l.name(),
        l.externalId(), l.sfdcAccountId(), l.trackName(), l.namePrefix(), l.allocatedAt(),
        l.expiresAt(), clock.millis(), l.tenant());
  }

  private Lease newLease(AllocationRequest request, int slot, Sandbox candidate, long now) {
    long lease = policy.leaseFor(request.lab(), request.leaseOverride()).toSeconds();
    return new Lease(
        request.identity(),
        slot,
        request.idempotencyKey(),
        leaseIds.get(),
        candidate.sandboxId(),
        candidate.name(),
        candidate.externalId(),
        candidate.sfdcAccountId(),
        request.lab(),
        request.namePrefix(),
        now,
        now + lease,
        clock.millis(),
        request.tenant());
  }

  private long epochSecond() {
    return clock.instant().getEpochSecond();
  }
}
