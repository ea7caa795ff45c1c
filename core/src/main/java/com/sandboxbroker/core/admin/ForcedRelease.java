package com.sandboxbroker.core.admin;

import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxNotFoundException;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore;
import java.time.Clock;
import java.util.Optional;

/**
 * An operator forces a sandbox out of the pool: any live status becomes {@code pending_deletion}
 * (cleanup then deletes the account upstream), recorded on the item as an operator action.
 *
 * <p>The write is conditional on the status just read, so a concurrent change (an allocation, a
 * release, expiry) is never overwritten: the action reads again and decides on the new status, a
 * bounded number of times.
 */
public final class ForcedRelease {
  /** Reads and conditional writes before giving up on a sandbox that keeps changing. */
  static final int MAX_ATTEMPTS = 5;

  private final SandboxStore store;
  private final Clock clock;

  public ForcedRelease(SandboxStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Releases the sandbox on behalf of {@code by} (the admin token's configured name).
   *
   * @return the status the sandbox was released from; empty when it already was {@code
   *     pending_deletion} (nothing changed, nothing recorded)
   * @throws SandboxNotFoundException no such sandbox
   * @throws InvalidStatusTransitionException it is already deleted, or it kept changing
   */
  public Optional<SandboxStatus> release(String sandboxId, String by) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Sandbox current = store.findSandbox(sandboxId).orElseThrow(SandboxNotFoundException::new);
      if (current.status() == SandboxStatus.PENDING_DELETION) {
        return Optional.empty();
      }
      if (!current.status().isLive()) {
        throw new InvalidStatusTransitionException("The sandbox is already deleted");
      }
      AdminAction action =
          new AdminAction(clock.instant().getEpochSecond(), by, "force_release", current.status());
      if (store.forceRelease(sandboxId, action).applied()) {
        return Optional.of(current.status());
      }
    }
    throw new InvalidStatusTransitionException("The sandbox kept changing; retry");
  }
}
