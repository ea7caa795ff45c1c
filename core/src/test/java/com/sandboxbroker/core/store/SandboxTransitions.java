package com.sandboxbroker.core.store;

import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;

/**
 * The new item values of each transition, as the in-memory fake applies them: the domain's named
 * transitions plus the one version bump every write records. The store contract suite keeps them
 * equal to the DynamoDB adapter's updates.
 */
final class SandboxTransitions {
  private SandboxTransitions() {}

  static Sandbox claimed(Sandbox s, Lease lease) {
    return s.claimedUnder(lease).nextVersion();
  }

  static Sandbox markedForDeletion(Sandbox s, long now) {
    return s.releasedAt(now).nextVersion();
  }

  static Sandbox refreshed(Sandbox s, UpstreamSandbox u, SandboxStatus status) {
    return s.refreshedFrom(u).toBuilder().status(status).build().nextVersion();
  }

  static Sandbox missing(Sandbox s, int missingCount, SandboxStatus status, long staleSince) {
    return s.toBuilder()
        .status(status)
        .missingCount(missingCount)
        .staleSince(staleSince)
        .build()
        .nextVersion();
  }

  static Sandbox extended(Sandbox s, long expiresAt) {
    return s.extendedTo(expiresAt).nextVersion();
  }

  static Sandbox expired(Sandbox s, long now) {
    return markedForDeletion(s, now);
  }

  static Sandbox deletionOutcome(
      Sandbox s,
      SandboxStatus status,
      int attempts,
      long nextAttemptAt,
      String error,
      long deletedAt) {
    return s.toBuilder()
        .status(status)
        .deletionAttempts(attempts)
        .nextAttemptAt(nextAttemptAt)
        .lastError(error)
        .deletedAt(deletedAt)
        .build()
        .nextVersion();
  }

  static Sandbox touched(Sandbox s) {
    return s.nextVersion();
  }

  /** deletion_failed → pending_deletion with a fresh attempt budget; the last error stays. */
  static Sandbox deletionRetried(Sandbox s) {
    return s.toBuilder()
        .status(SandboxStatus.PENDING_DELETION)
        .deletionAttempts(0)
        .nextAttemptAt(0)
        .build()
        .nextVersion();
  }

  /** Any live status → pending_deletion; the owner stays on the record for the audit. */
  static Sandbox forceReleased(Sandbox s, long now) {
    return s.releasedAt(now).nextVersion();
  }
}
