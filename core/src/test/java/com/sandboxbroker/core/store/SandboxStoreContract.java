package com.sandboxbroker.core.store;

import static com.sandboxbroker.core.testing.LeaseFixture.aLease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SandboxStore} must have, run against the in-memory fake and against
 * DynamoDB Local, so the fake used by fast tests cannot drift from the real adapter.
 */
public abstract class SandboxStoreContract {
  protected static final long NOW = 1_800_000_000L;

  protected SandboxStore store;

  protected abstract SandboxStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  protected static Sandbox sandbox(String id, String name) {
    return Sandbox.available(
        new UpstreamSandbox(
            id, name, "identity/accounts/uuid-" + id, id.hashCode() % 2 == 0 ? "" : "001X"),
        NOW);
  }

  protected static Lease lease(
      String identity, int slot, String key, String leaseId, Sandbox candidate) {
    return aLease(identity)
        .inSlot(slot)
        .withKey(key)
        .withId(leaseId)
        .naming(candidate)
        .forLab("lab-x")
        .from(NOW)
        .until(NOW + 3600)
        .writtenAt(System.currentTimeMillis())
        .build();
  }

  @Test
  void insertsOnceAndReadsBackEveryField() {
    Sandbox s = sandbox("100", "lab-a-1");
    assertThat(store.insertSandbox(s)).isTrue();
    assertThat(store.insertSandbox(sandbox("100", "other"))).isFalse();
    assertThat(store.findSandbox("100")).contains(s);
    assertThat(store.findSandbox("nope")).isEmpty();
  }

  @Test
  void aFencedLeaseCanNeverClaimItsCandidateWhileOtherLeasesStillCan() {
    Sandbox s = sandbox("250", "lab-f-1");
    store.insertSandbox(s);
    Lease abandoned = lease("ann", 0, "k1", "L-old", s);

    assertThat(store.fenceClaim(abandoned)).isTrue();
    assertThat(store.fenceClaim(abandoned)).isTrue(); // idempotent: a retried fence still holds
    assertThat(store.claim(abandoned).applied()).isFalse();
    assertThat(store.findSandbox("250").orElseThrow().status()).isEqualTo(SandboxStatus.AVAILABLE);

    TransitionResult other = store.claim(lease("bob", 0, "k2", "L-new", s));
    assertThat(other.applied()).isTrue();
    // the claim under the new lease landed: fencing that lease now reports it was too late
    assertThat(store.fenceClaim(lease("bob", 0, "k2", "L-new", s))).isFalse();
    // nothing can be claimed on a missing sandbox: it counts as fenced
    assertThat(store.fenceClaim(lease("cy", 0, "k3", "L-x", sandbox("404", "x")))).isTrue();
    assertThat(store.findSandbox("404")).isEmpty();
  }

  @Test
  void claimsOnlyAnAvailableSandboxAndReportsWhatBlockedIt() {
    Sandbox s = sandbox("200", "lab-a-2");
    store.insertSandbox(s);
    Lease first = lease("alice", 0, "k1", "L1", s);

    TransitionResult won = store.claim(first);
    assertThat(won.applied()).isTrue();
    Sandbox after = won.current().orElseThrow();
    assertThat(after.status()).isEqualTo(SandboxStatus.ALLOCATED);
    assertThat(after.allocatedTo()).isEqualTo("alice");
    assertThat(after.leaseId()).isEqualTo("L1");
    assertThat(after.trackName()).isEqualTo("lab-x");
    assertThat(after.allocatedAt()).isEqualTo(NOW);
    assertThat(after.expiresAt()).isEqualTo(NOW + 3600);
    assertThat(after.version()).isEqualTo(s.version() + 1);
    assertThat(store.findSandbox("200")).contains(after);

    TransitionResult lost = store.claim(lease("bob", 0, "k2", "L2", s));
    assertThat(lost.applied()).isFalse();
    assertThat(lost.current().orElseThrow().allocatedTo()).isEqualTo("alice");
    assertThat(store.findSandbox("200").orElseThrow().allocatedTo()).isEqualTo("alice");

    TransitionResult missing = store.claim(lease("bob", 0, "k2", "L3", sandbox("404", "x")));
    assertThat(missing.applied()).isFalse();
    assertThat(missing.current()).isEmpty();
  }

  @Test
  void pagesThroughAvailableSandboxesWithPrefixFilter() {
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 37; i++) {
      String name = (i % 3 == 0 ? "lab-dns-" : "lab-ddi-") + i;
      store.insertSandbox(sandbox("s" + i, name));
      if (name.startsWith("lab-dns-")) {
        expected.add("s" + i);
      }
    }
    Sandbox taken = store.findSandbox("s0").orElseThrow();
    store.claim(lease("carol", 0, "k", "L", taken));
    expected.remove("s0");

    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      Page<Sandbox> page = store.findAvailable("lab-dns-", cursor, 5);
      page.items()
          .forEach(
              s -> {
                assertThat(s.status()).isEqualTo(SandboxStatus.AVAILABLE);
                seen.add(s.sandboxId());
              });
      cursor = page.cursor();
      pages++;
    } while (cursor.isPresent() && pages < 100);

    assertThat(seen).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).isEqualTo(expected);
    assertThat(store.findAvailable("", Optional.empty(), 100).items()).hasSize(36);
  }

  @Test
  void rejectsForgedCursors() {
    store.insertSandbox(sandbox("c1", "lab-c-1"));
    for (String bad : List.of("garbage", "bm90LWEtY3Vyc29y", "", "%%%", "YzEeUEsfUx9TQlgjYzE")) {
      assertThatThrownBy(() -> store.findAvailable("", Optional.of(bad), 10))
          .as(bad)
          .isInstanceOf(InvalidCursorException.class);
    }
  }

  @Test
  void leasesOccupyTheirSlotUntilExpiredAndMoveOnlyWhenUnchanged() {
    Sandbox a = sandbox("l1", "lab-l-1");
    Sandbox b = sandbox("l2", "lab-l-2");
    Lease first = lease("dave", 0, "key-1", "LA", a);

    assertThat(store.putLease(first, NOW).written()).isTrue();
    LeasePutResult second = store.putLease(lease("dave", 0, "key-2", "LB", b), NOW);
    assertThat(second.written()).isFalse();
    assertThat(second.existing()).contains(first);
    assertThat(store.putLease(lease("dave", 1, "key-2", "LB", b), NOW).written()).isTrue();
    assertThat(store.findLease("dave", 0)).contains(first);
    assertThat(store.findLease("erin", 0)).isEmpty();

    Lease moved = first.withCandidate(b);
    assertThat(store.replaceLease(first, moved)).isTrue();
    assertThat(store.replaceLease(first, first.withCandidate(a))).as("stale view").isFalse();
    assertThat(store.findLease("dave", 0)).contains(moved);

    // once expired, the slot is free again
    Lease later = lease("dave", 0, "key-3", "LC", a);
    assertThat(store.putLease(later, first.expiresAt()).written()).isTrue();
  }

  @Test
  void markForDeletionOnlyForTheOwnerOfAnAllocatedSandbox() {
    Sandbox s = sandbox("m1", "lab-m-1");
    store.insertSandbox(s);
    store.claim(lease("frank", 0, "k", "LF", s));

    SandboxStore.TransitionResult other = store.markForDeletion("m1", "grace", NOW + 5);
    assertThat(other.applied()).isFalse();
    assertThat(other.current().orElseThrow().status()).isEqualTo(SandboxStatus.ALLOCATED);

    SandboxStore.TransitionResult mine = store.markForDeletion("m1", "frank", NOW + 10);
    assertThat(mine.applied()).isTrue();
    assertThat(mine.current().orElseThrow().status()).isEqualTo(SandboxStatus.PENDING_DELETION);
    assertThat(mine.current().orElseThrow().deletionRequestedAt()).isEqualTo(NOW + 10);

    SandboxStore.TransitionResult again = store.markForDeletion("m1", "frank", NOW + 20);
    assertThat(again.applied()).isFalse();
    assertThat(again.current().orElseThrow().deletionRequestedAt()).isEqualTo(NOW + 10);

    assertThat(store.markForDeletion("missing", "frank", NOW).current()).isEmpty();
  }

  @Test
  void countsEveryStatusExactly() {
    for (int i = 0; i < 12; i++) {
      store.insertSandbox(sandbox("n" + i, "lab-n-" + i));
    }
    for (int i = 0; i < 5; i++) {
      store.claim(lease("id" + i, 0, "k", "L" + i, store.findSandbox("n" + i).orElseThrow()));
    }
    store.markForDeletion("n0", "id0", NOW);
    store.putLease(lease("x", 0, "k", "LX", sandbox("n1", "lab-n-1")), NOW); // not a sandbox

    var counts = store.countByStatus();
    assertThat(counts.get(SandboxStatus.AVAILABLE)).isEqualTo(7);
    assertThat(counts.get(SandboxStatus.ALLOCATED)).isEqualTo(4);
    assertThat(counts.get(SandboxStatus.PENDING_DELETION)).isEqualTo(1);
    assertThat(store.allSandboxes()).hasSize(12);
  }

  @Test
  void aKeyInFlightHasOneHolderUntilItIsClearedOrLapses() {
    assertThat(store.markKeyInFlight("default", "ann", "k1", "h1", 1_000, 2_000)).isTrue();
    assertThat(store.markKeyInFlight("default", "ann", "k1", "h1", 1_000, 2_000))
        .as("its holder again (an SDK retry)")
        .isTrue();
    assertThat(store.markKeyInFlight("default", "ann", "k1", "h2", 1_500, 2_500))
        .as("another holder")
        .isFalse();
    assertThat(store.markKeyInFlight("default", "ann", "k2", "h2", 1_500, 2_500))
        .as("another key")
        .isTrue();
    assertThat(store.markKeyInFlight("tenant-b", "ann", "k1", "h3", 1_500, 2_500))
        .as("another tenant")
        .isTrue();
    store.clearKeyInFlight("default", "ann", "k1", "h2"); // not its holder: nothing happens
    assertThat(store.markKeyInFlight("default", "ann", "k1", "h2", 1_600, 2_600)).isFalse();
    store.clearKeyInFlight("default", "ann", "k1", "h1");
    assertThat(store.markKeyInFlight("default", "ann", "k1", "h2", 1_600, 2_600))
        .as("cleared")
        .isTrue();
    assertThat(store.markKeyInFlight("default", "ann", "k1", "h4", 2_601, 3_000))
        .as("lapsed")
        .isTrue();
    assertThat(store.allSandboxes()).isEmpty(); // bookkeeping, never a sandbox
  }
}
