package com.sandboxbroker.core.store;

import static com.sandboxbroker.core.testing.LeaseFixture.aLease;
import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import com.sandboxbroker.core.testing.Sandboxes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job transitions of {@link SandboxStore} (sync, expiry, cleanup), run against the in-memory
 * fake and DynamoDB Local so both apply each condition the same way: a write based on a stale read
 * (another writer changed the item) is refused, never applied over the newer state.
 */
public abstract class JobTransitionsContract {
  protected static final long NOW = 1_800_000_000L;

  protected SandboxStore store;

  protected abstract SandboxStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  Sandbox available(String id) {
    Sandbox s =
        Sandbox.available(
            new UpstreamSandbox(id, "lab-" + id, "identity/accounts/u-" + id, ""), NOW);
    store.insertSandbox(s);
    return store.findSandbox(id).orElseThrow();
  }

  Lease lease(Sandbox s, long expiresAt) {
    return aLease("alice")
        .withKey("k")
        .withId("L-" + s.sandboxId())
        .naming(s)
        .from(NOW)
        .until(expiresAt)
        .build();
  }

  @Test
  void refreshWritesUpstreamAttributesOnlyOverTheVersionItRead() {
    Sandbox seen = available("1");
    UpstreamSandbox renamed = new UpstreamSandbox("1", "renamed", "identity/accounts/u-1", "SF");
    TransitionResult r = store.refreshFromUpstream(seen, renamed);
    assertThat(r.applied()).isTrue();
    assertThat(r.current().orElseThrow().name()).isEqualTo("renamed");
    assertThat(r.current().orElseThrow().version()).isEqualTo(seen.version() + 1);
    assertThat(store.refreshFromUpstream(seen, renamed).applied()).as("stale read").isFalse();
  }

  @Test
  void syncNeverWritesAClaimedSandbox() {
    Sandbox seen = available("2");
    assertThat(store.claim(lease(seen, NOW + 3600)).applied()).isTrue();
    assertThat(store.recordMissing(seen).applied()).isFalse();
    assertThat(store.markStale(seen, NOW).applied()).isFalse();
    assertThat(store.refreshFromUpstream(seen, new UpstreamSandbox("2", "x", "y", "")).applied())
        .isFalse();
    Sandbox after = store.findSandbox("2").orElseThrow();
    assertThat(after.status()).isEqualTo(SandboxStatus.ALLOCATED);
    assertThat(after.allocatedTo()).isEqualTo("alice");
  }

  @Test
  void twoStrikesThenStaleThenRevived() {
    Sandbox seen = available("3");
    Sandbox once = store.recordMissing(seen).current().orElseThrow();
    assertThat(once.missingCount()).isEqualTo(1);
    assertThat(once.status()).isEqualTo(SandboxStatus.AVAILABLE);
    Sandbox stale = store.markStale(once, NOW + 60).current().orElseThrow();
    assertThat(stale.status()).isEqualTo(SandboxStatus.STALE);
    assertThat(stale.staleSince()).isEqualTo(NOW + 60);
    assertThat(store.claim(lease(stale, NOW + 3600)).applied())
        .as("stale is not claimable")
        .isFalse();
    Sandbox back =
        store
            .reviveStale(stale, new UpstreamSandbox("3", "lab-3", "identity/accounts/u-3", ""))
            .current()
            .orElseThrow();
    assertThat(back.status()).isEqualTo(SandboxStatus.AVAILABLE);
    assertThat(back.missingCount()).isZero();
    assertThat(back.staleSince()).isZero();
  }

  @Test
  void purgeRemovesOnlyStaleRecordsPastTheirGrace() {
    Sandbox stale =
        store
            .markStale(store.recordMissing(available("4")).current().orElseThrow(), NOW)
            .current()
            .orElseThrow();
    assertThat(store.purgeStale(stale, NOW - 1)).isFalse();
    assertThat(store.purgeStale(stale, NOW)).isTrue();
    assertThat(store.findSandbox("4")).isEmpty();
    assertThat(store.purgeStale(available("5"), NOW)).as("not stale").isFalse();
  }

  @Test
  void expiryNeedsTheSameLeaseAndAPassedExpiry() {
    Sandbox seen = available("6");
    Sandbox held = store.claim(lease(seen, NOW + 100)).current().orElseThrow();
    assertThat(store.expireAllocation(held, NOW + 99).applied()).isFalse();
    TransitionResult r = store.expireAllocation(held, NOW + 100);
    assertThat(r.applied()).isTrue();
    assertThat(r.current().orElseThrow().status()).isEqualTo(SandboxStatus.PENDING_DELETION);
    assertThat(r.current().orElseThrow().allocatedTo()).isEqualTo("alice");
    assertThat(r.current().orElseThrow().deletionRequestedAt()).isEqualTo(NOW + 100);
    assertThat(store.expireAllocation(held, NOW + 200).applied()).as("already released").isFalse();
  }

  @Test
  void extensionMovesSandboxAndLeaseTogetherAndExcludesExpiry() {
    Sandbox seen = available("8");
    Lease lease = lease(seen, NOW + 100);
    assertThat(store.putLease(lease, NOW).written()).isTrue();
    Sandbox held = store.claim(lease).current().orElseThrow();

    assertThat(store.extendLease(held, NOW + 100, NOW).applied()).as("not later").isFalse();
    TransitionResult r = store.extendLease(held, NOW + 500, NOW + 50);
    assertThat(r.applied()).isTrue();
    assertThat(r.current().orElseThrow().expiresAt()).isEqualTo(NOW + 500);
    assertThat(store.findLease("alice", 0).orElseThrow().expiresAt()).isEqualTo(NOW + 500);
    assertThat(store.extendLease(held, NOW + 400, NOW + 50).applied())
        .as("never earlier")
        .isFalse();
    // expiry read the old clock: its condition (expires_at <= now) now fails
    assertThat(store.expireAllocation(held, NOW + 100).applied()).isFalse();
    // once expired, no extension applies, and the two items still agree
    assertThat(store.expireAllocation(held, NOW + 500).applied()).isTrue();
    Sandbox expired = store.findSandbox("8").orElseThrow();
    assertThat(store.extendLease(expired, NOW + 900, NOW + 400).applied()).isFalse();
    assertThat(store.extendLease(r.current().orElseThrow(), NOW + 900, NOW + 400).applied())
        .isFalse();
    assertThat(store.findSandbox("8").orElseThrow().expiresAt()).isEqualTo(NOW + 500);
    assertThat(store.findLease("alice", 0).orElseThrow().expiresAt()).isEqualTo(NOW + 500);
  }

  @Test
  void anExpiredAllocationIsNeverExtended() {
    Sandbox seen = available("9");
    Lease lease = lease(seen, NOW + 100);
    store.putLease(lease, NOW);
    Sandbox held = store.claim(lease).current().orElseThrow();
    assertThat(store.extendLease(held, NOW + 900, NOW + 100).applied()).isFalse();
    assertThat(store.findLease("alice", 0).orElseThrow().expiresAt()).isEqualTo(NOW + 100);
  }

  @Test
  void deletionOutcomesApplyOnlyToThePendingItemAsRead() {
    store.insertSandbox(Sandboxes.pendingDeletion("7", "bob", NOW));
    Sandbox seen = store.findSandbox("7").orElseThrow();
    Sandbox retried =
        store
            .recordDeletionRetry(seen, 1, NOW + 60, "CSP DELETE: HTTP 500")
            .current()
            .orElseThrow();
    assertThat(retried.status()).isEqualTo(SandboxStatus.PENDING_DELETION);
    assertThat(retried.deletionAttempts()).isEqualTo(1);
    assertThat(retried.nextAttemptAt()).isEqualTo(NOW + 60);
    assertThat(retried.lastError()).isEqualTo("CSP DELETE: HTTP 500");
    assertThat(store.recordDeleted(seen, NOW, NOW + 10).applied()).as("stale read").isFalse();

    Sandbox outcome =
        store.recordPreDeleteOutcome(retried, "cleaned:1", NOW).current().orElseThrow();
    Sandbox deleted =
        store.recordDeleted(outcome, NOW + 61, NOW + 61 + 86400).current().orElseThrow();
    assertThat(deleted.status()).isEqualTo(SandboxStatus.DELETED);
    assertThat(deleted.deletionAttempts()).isEqualTo(2);
    assertThat(deleted.deletedAt()).isEqualTo(NOW + 61);
    assertThat(deleted.allocatedTo()).isEqualTo("bob");
    assertThat(deleted.lastError()).isEmpty();
    assertThat(store.sandboxesInStatus(SandboxStatus.DELETED))
        .extracting(Sandbox::sandboxId)
        .containsExactly("7");

    store.insertSandbox(Sandboxes.pendingDeletion("8", "carol", NOW));
    Sandbox failed =
        store
            .recordDeletionFailed(store.findSandbox("8").orElseThrow(), 8, "CSP DELETE: HTTP 500")
            .current()
            .orElseThrow();
    assertThat(failed.status()).isEqualTo(SandboxStatus.DELETION_FAILED);
    assertThat(failed.deletionAttempts()).isEqualTo(8);
    assertThat(store.sandboxesInStatus(SandboxStatus.PENDING_DELETION)).isEmpty();
  }
}
