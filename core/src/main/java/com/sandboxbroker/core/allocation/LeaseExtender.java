package com.sandboxbroker.core.allocation;

import com.sandboxbroker.core.sandbox.LeaseExpiredException;
import com.sandboxbroker.core.sandbox.LeaseLimitReachedException;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxNotAllocatedException;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The owner keeps a sandbox longer (contract §7): {@code expires_at} becomes {@code max(current,
 * now + hours)}, capped at {@code allocated_at + maxLease}, and never moves earlier.
 *
 * <p>Ownership is the owner view's own check ({@link Allocator#ownerView}), so extend answers 404
 * and 403 exactly where {@code GET /v1/sandboxes/{id}} does. The write is one conditional
 * transaction over the sandbox and its lease ({@link SandboxStore#extendLease}); a lost race (a
 * concurrent extension, release or expiry) is decided again on the fresh item, a bounded number of
 * times.
 */
public final class LeaseExtender {
  /**
   * Each lost round means another writer committed in between; concurrent extensions converge after
   * one (the loser sees the winner's value), so this bound is only reached under a storm.
   */
  static final int MAX_ROUNDS = 20;

  private final Allocator allocator;
  private final SandboxStore store;
  private final Clock clock;

  public LeaseExtender(Allocator allocator, SandboxStore store, Clock clock) {
    this.allocator = allocator;
    this.store = store;
    this.clock = clock;
  }

  /**
   * @param hours how much lease from now the owner asks for; empty: {@code defaultHours} of the
   *     sandbox (the lease length its allocation was given by the token's or lab's policy)
   * @param maxLease the caller's bound on the whole allocation ({@code allocated_at + maxLease})
   * @return the sandbox with its new (or unchanged, when already later) {@code expires_at}
   */
  public Sandbox extend(
      String sandboxId,
      String tenant,
      String identity,
      Optional<Duration> hours,
      Function<Sandbox, Duration> defaultHours,
      Duration maxLease) {
    Sandbox current = allocator.ownerView(sandboxId, tenant, identity);
    for (int round = 0; round < MAX_ROUNDS; round++) {
      long now = clock.instant().getEpochSecond();
      if (current.status() != SandboxStatus.ALLOCATED) {
        throw new SandboxNotAllocatedException();
      }
      if (current.expiresAt() <= now) {
        throw new LeaseExpiredException();
      }
      long cap = current.allocatedAt() + maxLease.toSeconds();
      if (current.expiresAt() >= cap) {
        // a lease granted longer than today's cap keeps its end; it is simply not extended
        throw new LeaseLimitReachedException(Math.max(cap, current.expiresAt()));
      }
      Sandbox seen = current;
      long asked = hours.orElseGet(() -> defaultHours.apply(seen)).toSeconds();
      long target = Math.min(Math.max(current.expiresAt(), now + asked), cap);
      if (target <= current.expiresAt()) {
        return current; // already later than asked: nothing to write, nothing to announce
      }
      TransitionResult result = store.extendLease(current, target, now);
      if (result.applied()) {
        return result.current().orElseThrow();
      }
      // someone else wrote first: re-check ownership and state on the item as it is now
      current = allocator.ownerView(sandboxId, tenant, identity);
    }
    throw new AllocationTimeoutException();
  }
}
