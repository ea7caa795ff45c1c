package com.sandboxbroker.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.ReadRecorder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The store operations behind the admin API, one suite held against the in-memory fake and against
 * DynamoDB Local, so the fake cannot drift from the adapter.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AdminStoreOperationsTest {
  private static LocalDynamo dynamo;

  @AfterAll
  static void stopDynamo() {
    if (dynamo != null) {
      dynamo.close();
    }
  }

  @Nested
  class InMemory extends Contract {
    @Override
    SandboxStore newStore() {
      return new InMemorySandboxStore();
    }
  }

  @Nested
  class DynamoDb extends Contract {
    /** Sees every request the store sends and every item DynamoDB returned (an SDK interceptor). */
    final ReadRecorder recorder = new ReadRecorder();

    @Override
    SandboxStore newStore() {
      if (dynamo == null) {
        dynamo = LocalDynamo.start();
      }
      var store =
          new DynamoDbSandboxStore(
              dynamo.client(recorder), LocalDynamo.newTable(dynamo.client(recorder)));
      return store;
    }

    /**
     * Issue 12: the listing without a status filter reads {@code StatusIndex} one status partition
     * after another by key, never with a Scan, and still lists every sandbox of every status once,
     * in full pages, also with a lab or owner filter. (It scanned the table before.)
     */
    @Test
    void theUnfilteredListingReadsEveryStatusByKeyInFullPagesWithoutAScan() {
      Set<String> all = new HashSet<>();
      Set<String> dns = new HashSet<>();
      all.addAll(insert(23, SandboxStatus.AVAILABLE, "", ""));
      List<String> allocated = insert(9, SandboxStatus.ALLOCATED, "learner", "dns");
      all.addAll(allocated);
      dns.addAll(allocated);
      all.addAll(insert(4, SandboxStatus.PENDING_DELETION, "other", "adventure"));
      all.addAll(insert(3, SandboxStatus.DELETION_FAILED, "", ""));
      all.addAll(insert(5, SandboxStatus.STALE, "", ""));
      List<String> deleted = insert(6, SandboxStatus.DELETED, "learner", "dns");
      all.addAll(deleted);
      dns.addAll(deleted);
      recorder.reset();

      for (int limit : new int[] {1, 4, 7, 23, 500}) {
        assertThat(pageThrough(SandboxFilter.ALL, limit))
            .extracting(Sandbox::sandboxId)
            .as("limit %d", limit)
            .doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(all);
      }
      var byLab = new SandboxFilter(Optional.empty(), Optional.of("dns"), Optional.empty());
      assertThat(pageThrough(byLab, 4))
          .extracting(Sandbox::sandboxId)
          .containsExactlyInAnyOrderElementsOf(dns);
      var byOwner = new SandboxFilter(Optional.empty(), Optional.empty(), Optional.of("learner"));
      assertThat(pageThrough(byOwner, 5))
          .extracting(Sandbox::sandboxId)
          .containsExactlyInAnyOrderElementsOf(dns);

      assertThat(recorder.requests()).isPositive();
      assertThat(recorder.scans()).as("Scans sent by the listing").isZero();
    }

    @Test
    void aCursorOfOneKindOfListingIsRefusedByAnother() {
      insert(30, SandboxStatus.AVAILABLE, "", "");
      String indexCursor =
          store
              .listSandboxes(filter(SandboxStatus.AVAILABLE), Optional.empty(), 5)
              .cursor()
              .orElseThrow();
      assertThatThrownBy(() -> store.listSandboxes(SandboxFilter.ALL, Optional.of(indexCursor), 5))
          .isInstanceOf(InvalidCursorException.class);
      String tableCursor =
          store.listSandboxes(SandboxFilter.ALL, Optional.empty(), 5).cursor().orElseThrow();
      assertThatThrownBy(
              () ->
                  store.listSandboxes(filter(SandboxStatus.AVAILABLE), Optional.of(tableCursor), 5))
          .isInstanceOf(InvalidCursorException.class);
    }
  }

  @TestInstance(TestInstance.Lifecycle.PER_METHOD)
  abstract static class Contract {
    SandboxStore store;
    private int seq;

    abstract SandboxStore newStore();

    @BeforeEach
    void fresh() {
      store = newStore();
    }

    List<String> insert(int count, SandboxStatus status, String owner, String lab) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String id = String.format("sbx-%05d", seq++);
        boolean allocatedish = !owner.isEmpty();
        store.insertSandbox(
            Sandbox.builder(id)
                .name("lab-" + id)
                .externalId("identity/accounts/" + id)
                .status(status)
                .allocatedTo(owner)
                .trackName(lab)
                .leaseId(allocatedish ? "lease-" + id : "")
                .allocatedAt(allocatedish ? 1000 + seq : 0)
                .expiresAt(allocatedish ? 9000 + seq : 0)
                .deletionAttempts(status == SandboxStatus.DELETION_FAILED ? 5 : 0)
                .createdAt(10)
                .lastSeenAt(10)
                .staleSince(status == SandboxStatus.STALE ? 500 + seq : 0)
                .version(1)
                .build());
        ids.add(id);
      }
      return ids;
    }

    static SandboxFilter filter(SandboxStatus status) {
      return new SandboxFilter(Optional.of(status), Optional.empty(), Optional.empty());
    }

    /** Pages to the end; asserts no page is short while a cursor follows. */
    List<Sandbox> pageThrough(SandboxFilter filter, int limit) {
      List<Sandbox> all = new ArrayList<>();
      Optional<String> cursor = Optional.empty();
      for (int pages = 0; pages < 10_000; pages++) {
        Page<Sandbox> page = store.listSandboxes(filter, cursor, limit);
        assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
        if (page.cursor().isPresent()) {
          assertThat(page.items()).as("short page with more to come").hasSize(limit);
        }
        all.addAll(page.items());
        cursor = page.cursor();
        if (cursor.isEmpty()) {
          return all;
        }
      }
      throw new AssertionError("never ended");
    }

    @Test
    void listsEverySandboxExactlyOnceInFullPages() {
      Set<String> expected = new HashSet<>();
      expected.addAll(insert(90, SandboxStatus.AVAILABLE, "", ""));
      expected.addAll(insert(25, SandboxStatus.ALLOCATED, "learner", "adventure"));
      expected.addAll(insert(3, SandboxStatus.STALE, "", ""));

      List<Sandbox> all = pageThrough(SandboxFilter.ALL, 7);
      assertThat(all).extracting(Sandbox::sandboxId).doesNotHaveDuplicates();
      assertThat(all).extracting(Sandbox::sandboxId).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aSparseFilterStillFillsEveryPage() {
      insert(150, SandboxStatus.AVAILABLE, "", "");
      List<String> stale = insert(5, SandboxStatus.STALE, "", "");
      insert(100, SandboxStatus.AVAILABLE, "", "");
      List<String> lab = insert(7, SandboxStatus.ALLOCATED, "someone", "dns");
      insert(40, SandboxStatus.ALLOCATED, "other", "adventure");

      assertThat(pageThrough(filter(SandboxStatus.STALE), 2))
          .extracting(Sandbox::sandboxId)
          .containsExactlyInAnyOrderElementsOf(stale);
      var byLab = new SandboxFilter(Optional.empty(), Optional.of("dns"), Optional.empty());
      assertThat(pageThrough(byLab, 3))
          .extracting(Sandbox::sandboxId)
          .containsExactlyInAnyOrderElementsOf(lab);
      var byOwner =
          new SandboxFilter(
              Optional.of(SandboxStatus.ALLOCATED), Optional.empty(), Optional.of("someone"));
      assertThat(pageThrough(byOwner, 50))
          .extracting(Sandbox::sandboxId)
          .containsExactlyInAnyOrderElementsOf(lab);
    }

    @Test
    void refusesAForgedCursor() {
      insert(3, SandboxStatus.AVAILABLE, "", "");
      for (String bad : List.of("!!!", "bm90LWEtY3Vyc29y", "", "YzEeUEsfUx9TQlgjMQ")) {
        assertThatThrownBy(() -> store.listSandboxes(SandboxFilter.ALL, Optional.of(bad), 5))
            .isInstanceOf(InvalidCursorException.class);
      }
    }

    @Test
    void retryDeletionOnlyFromDeletionFailedAndRecordsWho() {
      String failed = insert(1, SandboxStatus.DELETION_FAILED, "", "").get(0);
      String allocated = insert(1, SandboxStatus.ALLOCATED, "learner", "").get(0);
      AdminAction action =
          new AdminAction(1234, "admin-1", "retry_deletion", SandboxStatus.DELETION_FAILED);

      var applied = store.retryDeletion(failed, action);
      assertThat(applied.applied()).isTrue();
      Sandbox after = applied.current().orElseThrow();
      assertThat(after.status()).isEqualTo(SandboxStatus.PENDING_DELETION);
      assertThat(after.deletionAttempts()).isZero();
      assertThat(store.findAudited(failed).orElseThrow().adminActions()).containsExactly(action);

      var refused = store.retryDeletion(allocated, action);
      assertThat(refused.applied()).isFalse();
      assertThat(refused.current().orElseThrow().status()).isEqualTo(SandboxStatus.ALLOCATED);
      assertThat(store.findAudited(allocated).orElseThrow().adminActions()).isEmpty();
      assertThat(store.retryDeletion("missing", action).current()).isEmpty();
    }

    @Test
    void forceReleaseIsConditionalOnTheStatusSeen() {
      String allocated = insert(1, SandboxStatus.ALLOCATED, "learner", "lab").get(0);
      var stale = new AdminAction(77, "admin-1", "force_release", SandboxStatus.AVAILABLE);
      assertThat(store.forceRelease(allocated, stale).applied()).isFalse();

      var seen = new AdminAction(78, "admin-1", "force_release", SandboxStatus.ALLOCATED);
      var result = store.forceRelease(allocated, seen);
      assertThat(result.applied()).isTrue();
      Sandbox after = result.current().orElseThrow();
      assertThat(after.status()).isEqualTo(SandboxStatus.PENDING_DELETION);
      assertThat(after.deletionRequestedAt()).isEqualTo(78);
      assertThat(after.allocatedTo()).isEqualTo("learner");
      assertThat(store.findAudited(allocated).orElseThrow().adminActions()).containsExactly(seen);

      var again = new AdminAction(79, "admin-1", "force_release", SandboxStatus.PENDING_DELETION);
      assertThat(store.forceRelease(allocated, again).applied()).isFalse();
    }

    @Test
    void bulkDeleteRemovesOnlyTheStatusAsked() {
      insert(12, SandboxStatus.AVAILABLE, "", "");
      insert(4, SandboxStatus.DELETED, "", "");
      assertThat(store.deleteByStatus(SandboxStatus.DELETED)).isEqualTo(4);
      assertThat(store.deleteByStatus(SandboxStatus.DELETED)).isZero();
      assertThat(store.countByStatus().get(SandboxStatus.AVAILABLE)).isEqualTo(12);
    }

    /**
     * Used accounts' records leave only through cleanup: removed, sync would hand them out again.
     */
    @Test
    void bulkDeleteRefusesTheRecordsOfUsedAccounts() {
      insert(2, SandboxStatus.DELETION_FAILED, "", "");
      for (SandboxStatus used :
          List.of(
              SandboxStatus.ALLOCATED,
              SandboxStatus.PENDING_DELETION,
              SandboxStatus.DELETION_FAILED)) {
        assertThatThrownBy(() -> store.deleteByStatus(used))
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThat(store.countByStatus().get(SandboxStatus.DELETION_FAILED)).isEqualTo(2);
    }

    @Test
    void deleteStaleHonoursTheCutoff() {
      List<String> stale = insert(6, SandboxStatus.STALE, "", "");
      insert(2, SandboxStatus.AVAILABLE, "", "");
      long cutoff = store.findSandbox(stale.get(2)).orElseThrow().staleSince();
      assertThat(store.deleteStale(cutoff)).isEqualTo(3);
      assertThat(store.countByStatus().get(SandboxStatus.STALE)).isEqualTo(3);
      assertThat(store.countByStatus().get(SandboxStatus.AVAILABLE)).isEqualTo(2);
    }
  }
}
