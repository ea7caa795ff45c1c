package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.s;

import com.sandboxbroker.core.contract.EventContract.EventType;
import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.tenant.Tenant;

/**
 * What each transition of a sandbox item is, as a {@link SandboxUpdate} (no I/O): the state it
 * expects and what it writes. The store applies them; the in-memory fake's {@code
 * SandboxTransitions} computes the same new values, and the store contract suite keeps the two
 * equal.
 */
final class TransitionUpdates {
  private TransitionUpdates() {}

  static SandboxUpdate claim(Lease lease) {
    return SandboxUpdate.of(lease.sandboxId())
        .expectStatus(SandboxStatus.AVAILABLE)
        .condition("NOT contains(#fenced, :lease)")
        .name("#fenced", Items.FENCED_LEASES)
        .value(":lease", s(lease.leaseId()))
        .set(Items.STATUS, s(SandboxStatus.ALLOCATED.wireName()))
        .set(Items.ALLOCATED_TO, s(lease.identity()))
        .set(Items.TENANT, s(lease.tenant()))
        .set(Items.TRACK_NAME, s(lease.trackName()))
        .set(Items.LEASE_ID, s(lease.leaseId()))
        .set(Items.ALLOCATED_AT, n(lease.allocatedAt()))
        .set(Items.EXPIRES_AT, n(lease.expiresAt()))
        .set(Items.DELETION_REQUESTED_AT, n(0))
        .remove(Items.FENCED_LEASES)
        .event(EventType.SANDBOX_ALLOCATED);
  }

  static SandboxUpdate recordMissing(Sandbox seen) {
    return SandboxUpdate.of(seen.sandboxId())
        .expectSeen(seen, SandboxStatus.AVAILABLE)
        .set(Items.MISSING_COUNT, n(seen.missingCount() + 1L));
  }

  static SandboxUpdate markStale(Sandbox seen, long now) {
    return SandboxUpdate.of(seen.sandboxId())
        .expectSeen(seen, SandboxStatus.AVAILABLE)
        .set(Items.STATUS, s(SandboxStatus.STALE.wireName()))
        .set(Items.MISSING_COUNT, n(seen.missingCount() + 1L))
        .set(Items.STALE_SINCE, n(now))
        .event(EventType.SANDBOX_STALE);
  }

  static SandboxUpdate claimDeletion(Sandbox seen, String runId, long now) {
    return SandboxUpdate.of(seen.sandboxId())
        .expectSeen(seen, SandboxStatus.PENDING_DELETION)
        .condition(
            seen.leaseId().isEmpty()
                ? "(attribute_not_exists(#lease) OR #lease = :lease)"
                : "#lease = :lease")
        .name("#lease", Items.LEASE_ID)
        .value(":lease", s(seen.leaseId()))
        .set(Items.DELETION_RUN, s(runId))
        .set(Items.DELETION_CLAIMED_AT, n(now));
  }

  static SandboxUpdate recordPreDeleteOutcome(Sandbox seen, String outcome, long now) {
    return SandboxUpdate.of(seen.sandboxId())
        .expectSeen(seen, SandboxStatus.PENDING_DELETION)
        .set(Items.PREDELETE_OUTCOME, s(outcome))
        .set(Items.PREDELETE_AT, n(now));
  }

  static SandboxUpdate recordDeleted(Sandbox seen, long now, long ttl) {
    return SandboxUpdate.of(seen.sandboxId())
        .expectSeen(seen, SandboxStatus.PENDING_DELETION)
        .set(Items.STATUS, s(SandboxStatus.DELETED.wireName()))
        .set(Items.DELETED_AT, n(now))
        .set(Items.DELETION_ATTEMPTS, n(seen.deletionAttempts() + 1L))
        .set(Items.NEXT_ATTEMPT_AT, n(0))
        .set(Items.LAST_ERROR, s(""))
        .set(TableContract.TTL_ATTRIBUTE, n(ttl))
        .event(EventType.SANDBOX_DELETED);
  }

  static SandboxUpdate recordDeletionRetry(
      Sandbox seen, int attempts, long nextAttemptAt, String error) {
    return SandboxUpdate.of(seen.sandboxId())
        .expectSeen(seen, SandboxStatus.PENDING_DELETION)
        .set(Items.DELETION_ATTEMPTS, n(attempts))
        .set(Items.NEXT_ATTEMPT_AT, n(nextAttemptAt))
        .set(Items.LAST_ERROR, s(error));
  }

  static SandboxUpdate recordDeletionFailed(Sandbox seen, int attempts, String error) {
    return SandboxUpdate.of(seen.sandboxId())
        .expectSeen(seen, SandboxStatus.PENDING_DELETION)
        .set(Items.STATUS, s(SandboxStatus.DELETION_FAILED.wireName()))
        .set(Items.DELETION_ATTEMPTS, n(attempts))
        .set(Items.NEXT_ATTEMPT_AT, n(0))
        .set(Items.LAST_ERROR, s(error))
        .event(EventType.SANDBOX_DELETION_FAILED);
  }

  static SandboxUpdate retryDeletion(String sandboxId, AdminAction action) {
    return SandboxUpdate.of(sandboxId)
        .expectStatus(SandboxStatus.DELETION_FAILED)
        .set(Items.STATUS, s(SandboxStatus.PENDING_DELETION.wireName()))
        .set(Items.DELETION_ATTEMPTS, n(0))
        .set(Items.NEXT_ATTEMPT_AT, n(0))
        .audit(action);
  }

  static SandboxUpdate markForDeletion(String sandboxId, String tenant, String identity, long now) {
    // an item allocated before tenants existed has no tenant: it is the default tenant's
    String sameTenant =
        Tenant.DEFAULT.equals(tenant)
            ? "(attribute_not_exists(#tenant) OR #tenant = :tenant)"
            : "#tenant = :tenant";
    return SandboxUpdate.of(sandboxId)
        .expectStatus(SandboxStatus.ALLOCATED)
        .condition("#owner = :owner AND " + sameTenant)
        .name("#owner", Items.ALLOCATED_TO)
        .name("#tenant", Items.TENANT)
        .value(":owner", s(identity))
        .value(":tenant", s(tenant))
        .set(Items.STATUS, s(SandboxStatus.PENDING_DELETION.wireName()))
        .set(Items.DELETION_REQUESTED_AT, n(now))
        .event(EventType.SANDBOX_RELEASED);
  }

  static SandboxUpdate expireAllocation(Sandbox seen, long now) {
    if (seen.leaseId().isEmpty() || seen.expiresAt() == 0) {
      // an earlier broker's item: no lease id to match and maybe no expires_at to compare, so the
      // condition is "unchanged since the caller read it and judged it expired"
      return SandboxUpdate.of(seen.sandboxId())
          .expectSeen(seen, SandboxStatus.ALLOCATED)
          .set(Items.STATUS, s(SandboxStatus.PENDING_DELETION.wireName()))
          .set(Items.DELETION_REQUESTED_AT, n(now));
    }
    return SandboxUpdate.of(seen.sandboxId())
        .expectStatus(SandboxStatus.ALLOCATED)
        .condition("#lease = :lease AND #exp <= :now")
        .name("#lease", Items.LEASE_ID)
        .name("#exp", Items.EXPIRES_AT)
        .value(":lease", s(seen.leaseId()))
        .value(":now", n(now))
        .set(Items.STATUS, s(SandboxStatus.PENDING_DELETION.wireName()))
        .set(Items.DELETION_REQUESTED_AT, n(now))
        .event(EventType.SANDBOX_EXPIRED);
  }

  static SandboxUpdate refreshFromUpstream(Sandbox seen, UpstreamSandbox upstream) {
    return refreshed(seen, upstream, SandboxStatus.AVAILABLE);
  }

  static SandboxUpdate reviveStale(Sandbox seen, UpstreamSandbox upstream) {
    return refreshed(seen, upstream, SandboxStatus.STALE)
        .set(Items.STATUS, s(SandboxStatus.AVAILABLE.wireName()))
        .set(Items.STALE_SINCE, n(0))
        .event(EventType.SANDBOX_REVIVED);
  }

  /** Only the upstream attributes that changed, so an unchanged account costs no write at all. */
  static SandboxUpdate refreshed(Sandbox seen, UpstreamSandbox u, SandboxStatus expected) {
    SandboxUpdate update = SandboxUpdate.of(seen.sandboxId()).expectSeen(seen, expected);
    if (!seen.name().equals(u.name())) {
      update.set(Items.NAME, s(u.name()));
    }
    if (!seen.externalId().equals(u.externalId())) {
      update.set(Items.EXTERNAL_ID, s(u.externalId()));
    }
    if (!seen.sfdcAccountId().equals(u.sfdcAccountId())) {
      update.set(Items.SFDC_ACCOUNT_ID, s(u.sfdcAccountId()));
    }
    if (seen.missingCount() != 0) {
      update.set(Items.MISSING_COUNT, n(0));
    }
    return update;
  }
}
