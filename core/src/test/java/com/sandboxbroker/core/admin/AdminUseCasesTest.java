package com.sandboxbroker.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxNotFoundException;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.testing.FaultInjectingStore;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The operator's use cases on DynamoDB Local, each change checked on the stored item. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AdminUseCasesTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static LocalDynamo dynamo;

  private final MutableClock clock = new MutableClock(NOW);
  private SandboxStore store;

  @BeforeAll
  static void startDynamo() {
    dynamo = LocalDynamo.start();
  }

  @AfterAll
  static void stopDynamo() {
    dynamo.close();
  }

  @BeforeEach
  void freshTable() {
    String table = LocalDynamo.uniqueTableName();
    new SandboxTable(dynamo.client(), table).createIfMissing();
    store = new DynamoDbSandboxStore(dynamo.client(), table);
  }

  @Test
  void aForcedReleaseMovesALiveSandboxToPendingDeletionAndRecordsWhoDidIt() {
    insert("sbx-1", SandboxStatus.ALLOCATED, 0);

    Optional<SandboxStatus> was = new ForcedRelease(store, clock).release("sbx-1", "ops");

    assertThat(was).contains(SandboxStatus.ALLOCATED);
    assertThat(store.findSandbox("sbx-1").orElseThrow().status())
        .isEqualTo(SandboxStatus.PENDING_DELETION);
    assertThat(store.findAudited("sbx-1").orElseThrow().adminActions())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.by()).isEqualTo("ops");
              assertThat(a.action()).isEqualTo("force_release");
              assertThat(a.fromStatus()).isEqualTo(SandboxStatus.ALLOCATED);
              assertThat(a.at()).isEqualTo(NOW.getEpochSecond());
            });
  }

  @Test
  void aForcedReleaseOfAPendingDeletionChangesNothingAndOfADeletedSandboxIsRefused() {
    insert("sbx-p", SandboxStatus.PENDING_DELETION, 0);
    insert("sbx-d", SandboxStatus.DELETED, 0);
    var release = new ForcedRelease(store, clock);

    assertThat(release.release("sbx-p", "ops")).isEmpty();
    assertThat(store.findAudited("sbx-p").orElseThrow().adminActions()).isEmpty();
    assertThatThrownBy(() -> release.release("sbx-d", "ops"))
        .isInstanceOf(InvalidStatusTransitionException.class)
        .hasMessage("The sandbox is already deleted");
    assertThatThrownBy(() -> release.release("sbx-none", "ops"))
        .isInstanceOf(SandboxNotFoundException.class);
  }

  /**
   * Another writer releases the sandbox between the read and the conditional write: the write is
   * refused, the use case reads again and finds nothing left to do, and the other writer's record
   * is the only one.
   */
  @Test
  void aConcurrentChangeIsReadAgainNotOverwritten() {
    insert("sbx-1", SandboxStatus.AVAILABLE, 0);
    AtomicInteger calls = new AtomicInteger();
    SandboxStore racing =
        FaultInjectingStore.wrap(
            store,
            (method, args, call) -> {
              if (method.equals("forceRelease") && calls.incrementAndGet() == 1) {
                store.forceRelease(
                    "sbx-1",
                    new AdminAction(
                        NOW.getEpochSecond(), "other", "force_release", SandboxStatus.AVAILABLE));
              }
              return call.proceed();
            });

    Optional<SandboxStatus> was = new ForcedRelease(racing, clock).release("sbx-1", "ops");

    assertThat(was).as("nothing left to release").isEmpty();
    assertThat(calls).hasValue(1);
    assertThat(store.findAudited("sbx-1").orElseThrow().adminActions())
        .extracting(AdminAction::by)
        .containsExactly("other");
  }

  /** A sandbox whose status changes before every write is given up on after a bounded number. */
  @Test
  void aSandboxThatKeepsChangingIsRefusedAfterBoundedAttempts() {
    insert("sbx-1", SandboxStatus.AVAILABLE, 0);
    AtomicInteger calls = new AtomicInteger();
    SandboxStore churning =
        FaultInjectingStore.wrap(
            store,
            (method, args, call) -> {
              if (!method.equals("forceRelease")) {
                return call.proceed();
              }
              calls.incrementAndGet();
              // the write the store would refuse had the status moved on since the read
              AdminAction seen = (AdminAction) args[1];
              return store.forceRelease(
                  "sbx-1",
                  new AdminAction(seen.at(), seen.by(), seen.action(), SandboxStatus.STALE));
            });

    assertThatThrownBy(() -> new ForcedRelease(churning, clock).release("sbx-1", "ops"))
        .isInstanceOf(InvalidStatusTransitionException.class)
        .hasMessage("The sandbox kept changing; retry");
    assertThat(calls).hasValue(ForcedRelease.MAX_ATTEMPTS);
    assertThat(store.findSandbox("sbx-1").orElseThrow().status())
        .isEqualTo(SandboxStatus.AVAILABLE);
  }

  @Test
  void aDeletionRetryResetsAFailedDeletionAndRefusesAnyOtherStatus() {
    insert("sbx-f", SandboxStatus.DELETION_FAILED, 0);
    insert("sbx-a", SandboxStatus.ALLOCATED, 0);
    var retry = new DeletionRetry(store, clock);

    retry.retry("sbx-f", "ops");

    Sandbox after = store.findSandbox("sbx-f").orElseThrow();
    assertThat(after.status()).isEqualTo(SandboxStatus.PENDING_DELETION);
    assertThat(after.deletionAttempts()).isZero();
    assertThat(store.findAudited("sbx-f").orElseThrow().adminActions())
        .extracting(AdminAction::action, AdminAction::by)
        .containsExactly(tuple("retry_deletion", "ops"));
    assertThatThrownBy(() -> retry.retry("sbx-a", "ops"))
        .isInstanceOf(InvalidStatusTransitionException.class)
        .hasMessageContaining("it is allocated");
    assertThatThrownBy(() -> retry.retry("sbx-none", "ops"))
        .isInstanceOf(SandboxNotFoundException.class);
  }

  @Test
  void theStalePurgeRemovesOnlyRecordsStaleForTheWholeGracePeriod() {
    long now = NOW.getEpochSecond();
    insert("old", SandboxStatus.STALE, now - Duration.ofHours(25).toSeconds());
    insert("exactly", SandboxStatus.STALE, now - Duration.ofHours(24).toSeconds());
    insert("recent", SandboxStatus.STALE, now - Duration.ofHours(23).toSeconds());
    insert("live", SandboxStatus.AVAILABLE, 0);

    StalePurge.Outcome outcome = new StalePurge(store, clock).purgeOlderThan(Duration.ofHours(24));

    assertThat(outcome).isEqualTo(new StalePurge.Outcome(2, 0));
    assertThat(store.findSandbox("old")).isEmpty();
    assertThat(store.findSandbox("exactly")).isEmpty();
    assertThat(store.findSandbox("recent")).isPresent();
    assertThat(store.findSandbox("live")).isPresent();
  }

  /** A record sync revives between the read and the removal is left alone, as a conflict. */
  @Test
  void aRecordRevivedDuringThePurgeIsLeftAloneAndCounted() {
    long now = NOW.getEpochSecond();
    insert("revived", SandboxStatus.STALE, now - Duration.ofDays(3).toSeconds());
    SandboxStore racing =
        FaultInjectingStore.wrap(
            store,
            (method, args, call) -> {
              if (method.equals("purgeStale")) {
                Sandbox seen = (Sandbox) args[0];
                store.forceRelease(
                    seen.sandboxId(),
                    new AdminAction(now, "other", "force_release", SandboxStatus.STALE));
              }
              return call.proceed();
            });

    StalePurge.Outcome outcome = new StalePurge(racing, clock).purgeOlderThan(Duration.ofHours(24));

    assertThat(outcome).isEqualTo(new StalePurge.Outcome(0, 1));
    assertThat(store.findSandbox("revived").orElseThrow().status())
        .isEqualTo(SandboxStatus.PENDING_DELETION);
  }

  @Test
  void thePurgeStopsWhenAskedTo() {
    long now = NOW.getEpochSecond();
    insert("a", SandboxStatus.STALE, now - Duration.ofDays(3).toSeconds());
    insert("b", SandboxStatus.STALE, now - Duration.ofDays(3).toSeconds());

    StalePurge.Outcome outcome =
        new StalePurge(store, clock).purgeOlderThan(Duration.ofHours(24), () -> true);

    assertThat(outcome).isEqualTo(new StalePurge.Outcome(0, 0));
    assertThat(store.findSandbox("a")).isPresent();
  }

  private void insert(String id, SandboxStatus status, long staleSince) {
    boolean held =
        status == SandboxStatus.ALLOCATED
            || status == SandboxStatus.PENDING_DELETION
            || status == SandboxStatus.DELETION_FAILED;
    store.insertSandbox(
        Sandbox.builder(id)
            .name("lab-" + id)
            .externalId("identity/accounts/" + id)
            .status(status)
            .allocatedTo(held ? "learner" : "")
            .trackName(held ? "dns" : "")
            .leaseId(held ? "lease-" + id : "")
            .allocatedAt(held ? NOW.getEpochSecond() - 60 : 0)
            .expiresAt(held ? NOW.getEpochSecond() + 3600 : 0)
            .deletionAttempts(status == SandboxStatus.DELETION_FAILED ? 5 : 0)
            .createdAt(10)
            .lastSeenAt(10)
            .staleSince(staleSince)
            .version(1)
            .build());
  }
}
