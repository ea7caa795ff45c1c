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
import com.sandboxbroker.core.store.LeasePutResult;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
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
 * it, and after twice the claim budget another key may take the slot over, after fencing the
 * abandoned lease's candidate so that a claim of it still in flight can never land. A sandbox is
 * only ever claimed from {@code available}, so it can never have two owners.
 */
public final class Allocator {
  private final SandboxStore store;
  private final AllocationPolicy policy;
  private final Clock clock;
  private final Supplier<String> leaseIds;
  private final AllocationListener listener;
  private final CandidatePool candidates;
  private final RecentKeys recentKeys = new RecentKeys();
  private final long budgetNanos;

  /** A lease written this long ago and still unclaimed was abandoned by its writer. */
  private final long inFlightMillis;

  /**
   * How long a key's in-flight mark holds off the key's other requests: twice the takeover age, far
   * past the claim budget plus one bounded store call (a holder that crashed blocks its own key,
   * and only that key, this long; its other requests answer 503 meanwhile).
   */
  private final long keyInFlightMillis;

  /** How often a request waiting for its key's request in flight looks for that one's lease. */
  private static final long KEY_POLL_MILLIS = 25;

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
    this.inFlightMillis = policy.takeoverAge().toMillis();
    this.keyInFlightMillis = 2 * inFlightMillis;
  }

  public Allocation allocate(AllocationRequest request) {
    long deadline = System.nanoTime() + budgetNanos;
    int cap = request.identityCapOverride().orElse(policy.identityCap());
    if (cap == 1) {
      return allocateInOnlySlot(request, deadline);
    }
    Optional<Allocation> replay = replayInAnySlot(request, cap, deadline);
    if (replay.isPresent()) {
      return replay.get();
    }
    // One request of a key walks the slots at a time: two of one key in flight at once could
    // otherwise each write a different slot (one past a live lease, the other over a slot that
    // freed
    // meanwhile) and the key would hold two sandboxes. The others wait for the first one's lease.
    String holder = leaseIds.get();
    while (!store.markKeyInFlight(
        request.tenant(),
        request.identity(),
        request.idempotencyKey(),
        holder,
        clock.millis(),
        clock.millis() + keyInFlightMillis)) {
      replay = replayInAnySlot(request, cap, deadline);
      if (replay.isPresent()) {
        return replay.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AllocationTimeoutException();
      }
      pause();
    }
    try {
      // the request in flight before us may have finished between our read and our mark
      replay = replayInAnySlot(request, cap, deadline);
      return replay.isPresent() ? replay.get() : walkSlots(request, cap, deadline);
    } finally {
      try {
        store.clearKeyInFlight(
            request.tenant(), request.identity(), request.idempotencyKey(), holder);
      } catch (RuntimeException e) {
        // left in place, the mark lapses by itself; the key's next request finds our lease first
      }
    }
  }

  /**
   * With one slot, the slot's conditional lease write finds a replay by itself; a replay this
   * instance can recognise ({@link RecentKeys}) is answered from its lease first, without reserving
   * a candidate (two reads either way).
   */
  private Allocation allocateInOnlySlot(AllocationRequest request, long deadline) {
    if (recentKeys.isLikelyReplay(request)) {
      Optional<Allocation> replay = replayInAnySlot(request, 1, deadline);
      if (replay.isPresent()) {
        return replay.get();
      }
    }
    Allocation allocation = walkSlots(request, 1, deadline);
    recentKeys.remember(request);
    return allocation;
  }

  private Allocation walkSlots(AllocationRequest request, int cap, long deadline) {
    for (int slot = 0; slot < cap; slot++) {
      Optional<Allocation> result = allocateInSlot(request, slot, deadline);
      if (result.isPresent()) {
        return result.get();
      }
    }
    throw new IdentityLimitReachedException(cap);
  }

  private static void pause() {
    try {
      Thread.sleep(KEY_POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AllocationTimeoutException();
    }
  }

  /**
   * With more than one slot, a replay must find its key wherever it sits before the slot walk below
   * may reuse an earlier slot that freed meanwhile (which would hand the replayed key a second
   * sandbox). One consistent read per slot, only when the cap is above 1. Two requests of one key
   * <em>in flight at once</em> are kept apart by the key's in-flight mark ({@link
   * SandboxStore#markKeyInFlight}).
   */
  private Optional<Allocation> replayInAnySlot(AllocationRequest request, int cap, long deadline) {
    long now = epochSecond();
    for (int slot = 0; slot < cap; slot++) {
      Optional<Lease> lease = store.findLease(request.tenant(), request.identity(), slot);
      if (lease.isPresent()
          && lease.get().expiresAt() > now
          && lease.get().idempotencyKey().equals(request.idempotencyKey())) {
        Optional<Allocation> replay = resumeExisting(request, lease.get(), deadline);
        if (replay.isPresent()) {
          return replay;
        }
      }
    }
    return Optional.empty();
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

  /** Candidates held by requests in progress; the fault-injection test checks it is 0 when idle. */
  int reservedCandidates() {
    return candidates.inFlight();
  }

  /** Returns empty when this slot holds another live allocation of the identity. */
  private Optional<Allocation> allocateInSlot(AllocationRequest request, int slot, long deadline) {
    while (true) {
      long now = epochSecond();
      Sandbox candidate;
      try {
        candidate = candidates.take(request.namePrefix(), deadline);
      } catch (NoSandboxAvailableException | AllocationTimeoutException empty) {
        // No candidate to be had, but a replay must still get its sandbox back.
        Optional<Lease> existing = store.findLease(request.tenant(), request.identity(), slot);
        if (existing.isPresent() && existing.get().expiresAt() > now) {
          Optional<Allocation> replay = resumeExisting(request, existing.get(), deadline);
          if (replay.isPresent() || !isDead(existing.get(), now, false)) {
            return replay;
          }
        }
        throw empty;
      }
      Lease lease = newLease(request, slot, candidate, now);
      LeasePutResult put;
      try {
        put = store.putLease(lease, now);
      } catch (RuntimeException e) {
        candidates.release(candidate.sandboxId()); // every exit path frees the reservation
        throw e;
      }
      // An SDK retry of a put whose first attempt landed finds our own lease: still ours to create.
      if (put.written()
          || put.existing().map(l -> l.leaseId().equals(lease.leaseId())).orElse(false)) {
        return Optional.of(complete(lease, true, deadline, candidate));
      }
      candidates.giveBack(request.namePrefix(), candidate);
      Lease existing = put.existing().orElseThrow();
      Optional<Allocation> replay = resumeExisting(request, existing, deadline);
      if (replay.isPresent() || !isDead(existing, now, true)) {
        return replay;
      }
      // The slot holds a dead lease (released, or abandoned before its claim): take it over.
      Sandbox fresh = candidates.take(request.namePrefix(), deadline);
      Lease takeover = newLease(request, slot, fresh, now);
      boolean replaced;
      try {
        replaced = store.replaceLease(existing, takeover);
      } catch (RuntimeException e) {
        candidates.release(fresh.sandboxId());
        throw e;
      }
      if (replaced) {
        return Optional.of(complete(takeover, true, deadline, fresh));
      }
      // someone else changed the slot first: look again
      candidates.giveBack(request.namePrefix(), fresh);
    }
  }

  /** A replay of the same key gets its live (or still pending) allocation; else empty. */
  private Optional<Allocation> resumeExisting(
      AllocationRequest request, Lease existing, long deadline) {
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
    return Optional.of(complete(existing, false, deadline, null));
  }

  /**
   * Whether a lease no longer protects a live or in-flight allocation. With {@code takingOver}, a
   * pending lease past its in-flight window is first fenced ({@link SandboxStore#fenceClaim}): the
   * window is only a clock, and its writer's claim may still be in flight (a stalled call, a paused
   * process). Were it to land after the takeover, the identity would hold two sandboxes; fenced, it
   * cannot land at all.
   */
  private boolean isDead(Lease lease, long now, boolean takingOver) {
    if (lease.expiresAt() <= now) {
      return true;
    }
    Optional<Sandbox> named = store.findSandbox(lease.sandboxId());
    if (named.isPresent() && named.get().leaseId().equals(lease.leaseId())) {
      return named.get().status() != SandboxStatus.ALLOCATED;
    }
    if (clock.millis() - lease.createdAtMillis() <= inFlightMillis) {
      return false;
    }
    if (!takingOver || store.fenceClaim(lease)) {
      return true;
    }
    // its claim landed between our read and the fence: dead only if already released again
    return store
        .findSandbox(lease.sandboxId())
        .map(s -> s.leaseId().equals(lease.leaseId()) && s.status() != SandboxStatus.ALLOCATED)
        .orElse(true);
  }

  /**
   * Claims the lease's candidate, moving the lease to fresh candidates while claims are lost.
   *
   * @param reserved the candidate this request holds in flight in the {@link CandidatePool} (the
   *     one the lease names), or null when resuming someone else's lease; whatever this request
   *     still holds when it leaves, by any path, is released
   */
  private Allocation complete(Lease lease, boolean created, long deadline, Sandbox reserved) {
    Lease current = lease;
    Sandbox held = reserved;
    try {
      while (true) {
        if (System.nanoTime() > deadline) {
          throw new AllocationTimeoutException();
        }
        if (clock.millis() - current.createdAtMillis() > inFlightMillis / 2) {
          // Resuming an old pending lease: re-stamp it so no other key treats it as abandoned
          // while we claim.
          Lease restamped = current.restampedAt(clock.millis());
          if (!store.replaceLease(current, restamped)) {
            current = reread(current);
            continue;
          }
          current = restamped;
        }
        TransitionResult claim = store.claim(current);
        candidates.resolved(current.sandboxId());
        held = null;
        if (claim.applied()) {
          return Allocation.of(current, created);
        }
        Optional<Sandbox> seen = claim.current();
        if (seen.isPresent() && seen.get().leaseId().equals(current.leaseId())) {
          return Allocation.of(current, created); // a concurrent replay claimed it for this lease
        }
        listener.claimLost();
        Sandbox next = candidates.take(current.namePrefix(), deadline);
        held = next;
        Lease moved = current.withCandidate(next);
        if (store.replaceLease(current, moved)) {
          current = moved;
        } else {
          candidates.giveBack(current.namePrefix(), next);
          held = null;
          current = reread(current); // a concurrent replay moved it already
        }
      }
    } finally {
      if (held != null) {
        candidates.release(held.sandboxId());
      }
    }
  }

  private Lease reread(Lease lease) {
    return store
        .findLease(lease.tenant(), lease.identity(), lease.slot())
        .filter(l -> l.leaseId().equals(lease.leaseId()))
        .orElseThrow(AllocationTimeoutException::new); // taken over: the caller may retry
  }

  private Lease newLease(AllocationRequest request, int slot, Sandbox candidate, long now) {
    long lease = policy.leaseFor(request.lab(), request.leaseOverride()).toSeconds();
    return Lease.builder()
        .tenant(request.tenant())
        .identity(request.identity())
        .slot(slot)
        .idempotencyKey(request.idempotencyKey())
        .leaseId(leaseIds.get())
        .candidate(candidate)
        .trackName(request.lab())
        .namePrefix(request.namePrefix())
        .allocatedAt(now)
        .expiresAt(now + lease)
        .createdAtMillis(clock.millis())
        .build();
  }

  private long epochSecond() {
    return clock.instant().getEpochSecond();
  }
}
