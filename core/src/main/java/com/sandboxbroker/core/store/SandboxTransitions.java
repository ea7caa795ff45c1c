package com.sandboxbroker.core.store;

import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;

/**
 * The new item values of each transition, shared by the in-memory fake (which applies them) and
 * kept equal to the DynamoDB adapter's update expressions by the store contract suite.
 */
final class SandboxTransitions {
  private SandboxTransitions() {}

  static Sandbox claimed(Sandbox s, Lease lease) {
    return new Sandbox(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.sfdcAccountId(),
        SandboxStatus.ALLOCATED,
        lease.identity(),
        lease.trackName(),
        lease.leaseId(),
        lease.allocatedAt(),
        lease.expiresAt(),
        0,
        s.deletionAttempts(),
        s.nextAttemptAt(),
        s.lastError(),
        s.deletedAt(),
        s.createdAt(),
        s.lastSeenAt(),
        s.missingCount(),
        s.staleSince(),
        s.version() + 1,
        lease.tenant());
  }

  static Sandbox markedForDeletion(Sandbox s, long now) {
    return new Sandbox(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.sfdcAccountId(),
        SandboxStatus.PENDING_DELETION,
        s.allocatedTo(),
        s.trackName(),
        s.leaseId(),
        s.allocatedAt(),
        s.expiresAt(),
        now,
        s.deletionAttempts(),
        s.nextAttemptAt(),
        s.lastError(),
        s.deletedAt(),
        s.createdAt(),
        s.lastSeenAt(),
        s.missingCount(),
        s.staleSince(),
        s.version() + 1,
        s.tenant());
  }

  static Sandbox refreshed(Sandbox s, UpstreamSandbox u, SandboxStatus status) {
    return new Sandbox(
        s.sandboxId(),
        u.name(),
        u.externalId(),
        u.sfdcAccountId(),
        status,
        s.allocatedTo(),
        s.trackName(),
        s.leaseId(),
        s.allocatedAt(),
        s.expiresAt(),
        s.deletionRequestedAt(),
        s.deletionAttempts(),
        s.nextAttemptAt(),
        s.lastError(),
        s.deletedAt(),
        s.createdAt(),
        s.lastSeenAt(),
        0,
        0,
        s.version() + 1,
        s.tenant());
  }

  static Sandbox missing(Sandbox s, int missingCount, SandboxStatus status, long staleSince) {
    return new Sandbox(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.sfdcAccountId(),
        status,
        s.allocatedTo(),
        s.trackName(),
        s.leaseId(),
        s.allocatedAt(),
        s.expiresAt(),
        s.deletionRequestedAt(),
        s.deletionAttempts(),
        s.nextAttemptAt(),
        s.lastError(),
        s.deletedAt(),
        s.createdAt(),
        s.lastSeenAt(),
        missingCount,
        staleSince,
        s.version() + 1,
        s.tenant());
  }

  static Sandbox extended(Sandbox s, long expiresAt) {
    return new Sandbox(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.sfdcAccountId(),
        s.status(),
        s.allocatedTo(),
        s.trackName(),
        s.leaseId(),
        s.allocatedAt(),
        expiresAt,
        s.deletionRequestedAt(),
        s.deletionAttempts(),
        s.nextAttemptAt(),
        s.lastError(),
        s.deletedAt(),
        s.createdAt(),
        s.lastSeenAt(),
        s.missingCount(),
        s.staleSince(),
        s.version() + 1,
        s.tenant());
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
    return new Sandbox(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.sfdcAccountId(),
        status,
        s.allocatedTo(),
        s.trackName(),
        s.leaseId(),
        s.allocatedAt(),
        s.expiresAt(),
        s.deletionRequestedAt(),
        attempts,
        nextAttemptAt,
        error,
        deletedAt,
        s.createdAt(),
        s.lastSeenAt(),
        s.missingCount(),
        s.staleSince(),
        s.version() + 1,
        s.tenant());
  }

  static Sandbox touched(Sandbox s) {
    return new Sandbox(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.sfdcAccountId(),
        s.status(),
        s.allocatedTo(),
        s.trackName(),
        s.leaseId(),
        s.allocatedAt(),
        s.expiresAt(),
        s.deletionRequestedAt(),
        s.deletionAttempts(),
        s.nextAttemptAt(),
        s.lastError(),
        s.deletedAt(),
        s.createdAt(),
        s.lastSeenAt(),
        s.missingCount(),
        s.staleSince(),
        s.version() + 1,
        s.tenant());
  }

  // ---- admin API (issue 3) ----

  /** deletion_failed → pending_deletion with a fresh attempt budget; the last error stays. */
  static Sandbox deletionRetried(Sandbox s) {
    return new Sandbox(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.sfdcAccountId(),
        SandboxStatus.PENDING_DELETION,
        s.allocatedTo(),
        s.trackName(),
        s.leaseId(),
        s.allocatedAt(),
        s.expiresAt(),
        s.deletionRequestedAt(),
        0,
        0,
        s.lastError(),
        s.deletedAt(),
        s.createdAt(),
        s.lastSeenAt(),
        s.missingCount(),
        s.staleSince(),
        s.version() + 1,
        s.tenant());
  }

  /** Any live status → pending_deletion; the owner stays on the record for the audit. */
  static Sandbox forceReleased(Sandbox s, long now) {
    return new Sandbox(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.sfdcAccountId(),
        SandboxStatus.PENDING_DELETION,
        s.allocatedTo(),
        s.trackName(),
        s.leaseId(),
        s.allocatedAt(),
        s.expiresAt(),
        now,
        s.deletionAttempts(),
        s.nextAttemptAt(),
        s.lastError(),
        s.deletedAt(),
        s.createdAt(),
        s.lastSeenAt(),
        s.missingCount(),
        s.staleSince(),
        s.version() + 1,
        s.tenant());
  }
}
