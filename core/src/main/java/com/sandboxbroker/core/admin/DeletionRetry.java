package com.sandboxbroker.core.admin;

import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxNotFoundException;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import java.time.Clock;

/**
 * An operator retries a failed deletion: {@code deletion_failed} becomes {@code pending_deletion}
 * with the attempt counter reset, so the cleanup job tries again; recorded as an operator action.
 */
public final class DeletionRetry {
  private final SandboxStore store;
  private final Clock clock;

  public DeletionRetry(SandboxStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Retries the deletion on behalf of {@code by} (the admin token's configured name).
   *
   * @throws SandboxNotFoundException no such sandbox
   * @throws InvalidStatusTransitionException the sandbox is not {@code deletion_failed}
   */
  public void retry(String sandboxId, String by) {
    AdminAction action =
        new AdminAction(
            clock.instant().getEpochSecond(), by, "retry_deletion", SandboxStatus.DELETION_FAILED);
    TransitionResult result = store.retryDeletion(sandboxId, action);
    Sandbox current = result.current().orElseThrow(SandboxNotFoundException::new);
    if (!result.applied()) {
      throw new InvalidStatusTransitionException(
          "Only a deletion_failed sandbox can be retried; it is " + current.status().wireName());
    }
  }
}
