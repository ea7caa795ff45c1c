package com.sandboxbroker.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.allocation.AllocationListener;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.tenant.Tenant;
import com.sandboxbroker.core.testing.ListProvider;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PoolSyncTest {
  static LocalDynamo ddb;
  static DynamoDbClient client;

  DynamoDbSandboxStore store;
  ListProvider upstream = new ListProvider();
  MutableClock clock = MutableClock.systemUtc();

  @BeforeAll
  static void start() {
    ddb = LocalDynamo.start();
    client = ddb.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    ddb.close();
  }

  @BeforeEach
  void table() {
    store = new DynamoDbSandboxStore(client, LocalDynamo.newTable(client));
  }

  PoolSync sync(double fraction) {
    return new PoolSync(store, upstream, clock, new SyncPolicy(fraction, 8));
  }

  @Test
  void tenThousandAccountsThenAnUnchangedResyncWritesNothing() {
    upstream.set(ListProvider.accounts(0, 10_000));
    long writesBefore = ddb.writeCount();
    long t0 = System.nanoTime();
    PoolSync.Result first = sync(0.2).run();
    long firstMillis = (System.nanoTime() - t0) / 1_000_000;
    long firstWrites = ddb.writeCount() - writesBefore;

    assertThat(first.inserted()).isEqualTo(10_000);
    // one write per sandbox, plus one pool-registry write for their pool ("lab", issue 12)
    assertThat(firstWrites).isEqualTo(10_000 + 1);

    long writesAfterFirst = ddb.writeCount();
    long requestsBefore = ddb.requestCount();
    long t1 = System.nanoTime();
    PoolSync.Result second = sync(0.2).run();
    long secondMillis = (System.nanoTime() - t1) / 1_000_000;

    assertThat(ddb.writeCount() - writesAfterFirst).as("writes of an unchanged re-sync").isZero();
    assertThat(second.inserted() + second.refreshed() + second.missing() + second.markedStale())
        .isZero();
    System.out.printf(
        "10k sync: first %d ms, %d writes; unchanged re-sync %d ms, %d writes, %d requests (scan pages)%n",
        firstMillis,
        firstWrites,
        secondMillis,
        ddb.writeCount() - writesAfterFirst,
        ddb.requestCount() - requestsBefore);
  }

  @Test
  void aChangedAttributeCostsOneWriteOfOnlyThatAttribute() {
    upstream.set(ListProvider.accounts(0, 10));
    sync(0.2).run();
    List<UpstreamSandbox> changed = new ArrayList<>(ListProvider.accounts(0, 10));
    changed.set(3, new UpstreamSandbox("3", "renamed", "identity/accounts/uuid-3", "SF-1"));
    upstream.set(changed);
    long before = ddb.writeCount();
    PoolSync.Result r = sync(0.2).run();
    assertThat(ddb.writeCount() - before).isEqualTo(1);
    assertThat(r.refreshed()).isEqualTo(1);
    Sandbox s = store.findSandbox("3").orElseThrow();
    assertThat(s.name()).isEqualTo("renamed");
    assertThat(s.sfdcAccountId()).isEqualTo("SF-1");
    assertThat(s.status()).isEqualTo(SandboxStatus.AVAILABLE);
  }

  @Test
  void anEmptyListingIsRefusedAndReported() {
    upstream.set(ListProvider.accounts(0, 20));
    sync(0.2).run();
    upstream.set(List.of());
    long before = ddb.writeCount();
    JobResult result = sync(0.2).run(JobContext.UNSUPERVISED);
    assertThat(result.failure()).isEmpty();
    assertThat(result.counts())
        .containsEntry("stale_refused", 1L)
        .containsEntry("marked_stale", 0L);
    assertThat(result.detail()).contains("refused");
    assertThat(ddb.writeCount()).isEqualTo(before);
    sync(0.2).run(JobContext.UNSUPERVISED);
    assertThat(store.countByStatus().get(SandboxStatus.STALE)).isZero();
    assertThat(store.countByStatus().get(SandboxStatus.AVAILABLE)).isEqualTo(20L);
  }

  @Test
  void aListingShrunkBeyondTheFractionIsRefused() {
    upstream.set(ListProvider.accounts(0, 100));
    sync(0.2).run();
    upstream.set(ListProvider.accounts(0, 70)); // 30 % missing > 20 %
    PoolSync.Result r1 = sync(0.2).run();
    PoolSync.Result r2 = sync(0.2).run();
    assertThat(r1.staleRefused()).isTrue();
    assertThat(r2.staleRefused()).isTrue();
    assertThat(store.countByStatus().get(SandboxStatus.STALE)).isZero();
    assertThat(store.findSandbox("99").orElseThrow().missingCount()).isZero();
  }

  @Test
  void missingFromTwoConsecutiveListingsBecomesStaleAndComesBackWhenListedAgain() {
    upstream.set(ListProvider.accounts(0, 100));
    sync(0.2).run();
    upstream.set(ListProvider.accounts(0, 95)); // 5 % missing: within the guard

    PoolSync.Result first = sync(0.2).run();
    assertThat(first.missing()).isEqualTo(5);
    assertThat(first.markedStale()).isZero();
    assertThat(store.findSandbox("97").orElseThrow().status()).isEqualTo(SandboxStatus.AVAILABLE);

    PoolSync.Result second = sync(0.2).run();
    assertThat(second.markedStale()).isEqualTo(5);
    Sandbox stale = store.findSandbox("97").orElseThrow();
    assertThat(stale.status()).isEqualTo(SandboxStatus.STALE);
    assertThat(stale.staleSince()).isPositive();

    upstream.set(ListProvider.accounts(0, 100));
    PoolSync.Result back = sync(0.2).run();
    assertThat(back.revived()).isEqualTo(5);
    Sandbox revived = store.findSandbox("97").orElseThrow();
    assertThat(revived.status()).isEqualTo(SandboxStatus.AVAILABLE);
    assertThat(revived.missingCount()).isZero();
  }

  @Test
  void aStrikeIsClearedWhenTheAccountIsListedAgain() {
    upstream.set(ListProvider.accounts(0, 100));
    sync(0.2).run();
    upstream.set(ListProvider.accounts(0, 99));
    sync(0.2).run();
    upstream.set(ListProvider.accounts(0, 100));
    sync(0.2).run();
    upstream.set(ListProvider.accounts(0, 99));
    sync(0.2).run(); // not consecutive: only one strike again
    assertThat(store.findSandbox("99").orElseThrow().status()).isEqualTo(SandboxStatus.AVAILABLE);
  }

  @Test
  void allocatedAndReleasingSandboxesAreNeverWrittenBySync() {
    upstream.set(ListProvider.accounts(0, 10));
    sync(0.2).run();
    Allocator allocator =
        new Allocator(
            store,
            AllocationPolicy.defaults(),
            clock,
            () -> UUID.randomUUID().toString(),
            AllocationListener.NONE);
    var a =
        allocator.allocate(
            new AllocationRequest("learner-1", "learner-1", "", "", Optional.empty()));
    var b =
        allocator.allocate(
            new AllocationRequest("learner-2", "learner-2", "", "", Optional.empty()));
    allocator.markForDeletion(b.sandboxId(), Tenant.DEFAULT, "learner-2");
    Sandbox heldBefore = store.findSandbox(a.sandboxId()).orElseThrow();

    // both renamed upstream and then missing twice: sync must leave them alone
    List<UpstreamSandbox> renamed = new ArrayList<>();
    for (UpstreamSandbox u : ListProvider.accounts(0, 10)) {
      renamed.add(new UpstreamSandbox(u.sandboxId(), "renamed-" + u.name(), u.externalId(), ""));
    }
    upstream.set(renamed);
    sync(0.5).run();
    upstream.set(
        renamed.stream()
            .filter(
                u -> !u.sandboxId().equals(a.sandboxId()) && !u.sandboxId().equals(b.sandboxId()))
            .toList());
    sync(0.5).run();
    sync(0.5).run();

    Sandbox held = store.findSandbox(a.sandboxId()).orElseThrow();
    assertThat(held).isEqualTo(heldBefore);
    assertThat(store.findSandbox(b.sandboxId()).orElseThrow().status())
        .isEqualTo(SandboxStatus.PENDING_DELETION);
    assertThat(store.findSandbox(b.sandboxId()).orElseThrow().allocatedTo()).isEqualTo("learner-2");
  }
}
