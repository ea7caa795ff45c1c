package com.sandboxbroker.core.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.allocation.AllocationListener;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.core.sync.SyncPolicy;
import com.sandboxbroker.core.tenant.Tenant;
import com.sandboxbroker.core.testing.ListProvider;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExpiryTest {
  static LocalDynamo ddb;
  static DynamoDbClient client;

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

  @Test
  void expiresOnlyAllocationsPastTheirLeaseAndPurgesStaleAfterGrace() {
    MutableClock clock = new MutableClock(Instant.now());
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, LocalDynamo.newTable(client));
    ListProvider upstream = new ListProvider();
    upstream.set(ListProvider.accounts(0, 20));
    PoolSync sync = new PoolSync(store, upstream, clock, new SyncPolicy(0.5, 4));
    sync.run();
    Allocator allocator =
        new Allocator(
            store,
            AllocationPolicy.defaults(),
            clock,
            () -> UUID.randomUUID().toString(),
            AllocationListener.NONE);
    Allocation shortLease =
        allocator.allocate(
            new AllocationRequest("a", "a", "", "", Optional.of(Duration.ofMinutes(10))));
    Allocation longLease =
        allocator.allocate(new AllocationRequest("b", "b", "", "", Optional.empty()));

    // two free accounts vanish twice → stale (the allocator picks at random, so the two are chosen
    // among those it left free: an allocated sandbox is never staled)
    Set<String> allocated = Set.of(shortLease.sandboxId(), longLease.sandboxId());
    List<String> vanishing =
        ListProvider.accounts(0, 20).stream()
            .map(UpstreamSandbox::sandboxId)
            .filter(id -> !allocated.contains(id))
            .limit(2)
            .toList();
    upstream.set(
        ListProvider.accounts(0, 20).stream()
            .filter(a -> !vanishing.contains(a.sandboxId()))
            .toList());
    sync.run();
    sync.run();
    long staleCount = store.sandboxesInStatus(SandboxStatus.STALE).size();
    assertThat(staleCount).isEqualTo(2L);

    Expiry expiry = new Expiry(store, clock, new ExpiryPolicy(Duration.ofHours(24)));
    JobResult before = expiry.run(JobContext.UNSUPERVISED);
    assertThat(before.counts()).containsEntry("expired", 0L).containsEntry("purged_stale", 0L);

    clock.advance(Duration.ofMinutes(11));
    JobResult r = expiry.run(JobContext.UNSUPERVISED);
    assertThat(r.counts()).containsEntry("expired", 1L);
    Sandbox expired = store.findSandbox(shortLease.sandboxId()).orElseThrow();
    assertThat(expired.status()).isEqualTo(SandboxStatus.PENDING_DELETION);
    assertThat(expired.allocatedTo()).isEqualTo("a"); // the owner can still read and mark it
    assertThat(expired.deletionRequestedAt()).isEqualTo(clock.instant().getEpochSecond());
    assertThat(store.findSandbox(longLease.sandboxId()).orElseThrow().status())
        .isEqualTo(SandboxStatus.ALLOCATED);
    // the owner's mark after expiry is still a 200 with the same timestamp
    assertThat(
            allocator
                .markForDeletion(shortLease.sandboxId(), Tenant.DEFAULT, "a")
                .deletionRequestedAt())
        .isEqualTo(expired.deletionRequestedAt());

    clock.advance(Duration.ofHours(25));
    JobResult purge = expiry.run(JobContext.UNSUPERVISED);
    assertThat(purge.counts()).containsEntry("purged_stale", staleCount);
    assertThat(store.sandboxesInStatus(SandboxStatus.STALE)).isEmpty();
  }
}
