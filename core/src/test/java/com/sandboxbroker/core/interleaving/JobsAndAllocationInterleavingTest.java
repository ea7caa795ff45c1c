package com.sandboxbroker.core.interleaving;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.allocation.AllocationListener;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.cleanup.Cleanup;
import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.expiry.Expiry;
import com.sandboxbroker.core.expiry.ExpiryPolicy;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobLauncher;
import com.sandboxbroker.core.provider.StaticInventoryProvider;
import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.core.sync.SyncPolicy;
import com.sandboxbroker.core.tenant.Tenant;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Allocations, owner marks, syncs, expiries and cleanups running concurrently on DynamoDB Local, in
 * a random interleaving. Invariants: no sandbox is ever handed to two identities, no sandbox ever
 * changes owner, and no job undoes an allocation (only the owner's mark or a passed {@code
 * expires_at} ends one).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JobsAndAllocationInterleavingTest {
  static final int TARGET_OPERATIONS = 1_200;

  record Given(String identity, Allocation allocation) {}

  @Test
  void randomInterleavingKeepsOwnershipAbsolute() throws Exception {
    long seed = System.nanoTime();
    System.out.println("interleaving seed " + seed);
    try (LocalDynamo ddb = LocalDynamo.start();
        var client = ddb.client()) {
      String table = LocalDynamo.uniqueTableName();
      DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, table);
      new SandboxTable(client, table).createIfMissing();
      MutableClock clock = MutableClock.systemUtc();
      StaticInventoryProvider upstream =
          new StaticInventoryProvider(
              IntStream.range(1, 121)
                  .mapToObj(
                      i ->
                          new UpstreamSandbox(
                              Integer.toString(i), "lab-" + i, "identity/accounts/u-" + i, ""))
                  .toList());
      ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
      JobLauncher launcher =
          new JobLauncher(
              new DynamoDbJobStore(client, table),
              clock,
              () -> UUID.randomUUID().toString(),
              Duration.ofSeconds(30),
              Duration.ofDays(1),
              timers);
      Job sync = new PoolSync(store, upstream, clock, new SyncPolicy(0.5, 4));
      Job expiry = new Expiry(store, clock, new ExpiryPolicy(Duration.ofMinutes(30)));
      Job cleanup =
          new Cleanup(
              store,
              upstream,
              Optional.empty(),
              clock,
              new CleanupPolicy(
                  3, 5, Duration.ofSeconds(1), Duration.ofSeconds(2), 100, Duration.ofDays(1), 10));
      launcher.launch(sync, "");

      Allocator allocator =
          new Allocator(
              store,
              new AllocationPolicy(
                  1, AllocationPolicy.DEFAULT_LEASE, Map.of(), Duration.ofSeconds(2), 100),
              clock,
              () -> UUID.randomUUID().toString(),
              AllocationListener.NONE);
      AtomicInteger operations = new AtomicInteger();
      AtomicBoolean done = new AtomicBoolean();
      List<Given> given = new CopyOnWriteArrayList<>();
      Set<String> markedByOwner = ConcurrentHashMap.newKeySet();
      Map<String, String> firstOwner = new ConcurrentHashMap<>();
      List<String> violations = new CopyOnWriteArrayList<>();
      AtomicInteger identities = new AtomicInteger();

      ExecutorService threads = Executors.newFixedThreadPool(8);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        Random random = new Random(seed + t);
        futures.add(
            threads.submit(
                () -> {
                  while (!done.get()) {
                    operations.incrementAndGet();
                    if (!given.isEmpty() && random.nextInt(4) == 0) {
                      Given g = given.get(random.nextInt(given.size()));
                      if (random.nextBoolean()) { // the owner releases it
                        allocator.markForDeletion(
                            g.allocation().sandboxId(), Tenant.DEFAULT, g.identity());
                        markedByOwner.add(g.allocation().sandboxId());
                      } else { // a replay: same identity and key → same sandbox, or the window is
                        // over
                        try {
                          Allocation again =
                              allocator.allocate(request(g.identity(), Optional.empty()));
                          if (again.created()) {
                            given.add(new Given(g.identity(), again));
                          } else if (!again.sandboxId().equals(g.allocation().sandboxId())
                              && given.stream()
                                  .noneMatch(
                                      x ->
                                          x.identity().equals(g.identity())
                                              && x.allocation()
                                                  .sandboxId()
                                                  .equals(again.sandboxId()))) {
                            violations.add(
                                "replay of "
                                    + g.identity()
                                    + " returned a sandbox it was never given");
                          }
                        } catch (RuntimeException busyOrEmpty) {
                          // pool empty or claim budget spent under contention: allowed outcomes
                        }
                      }
                      continue;
                    }
                    String identity = "learner-" + identities.incrementAndGet();
                    // a third get a short lease so expiry has real work
                    Optional<Duration> lease =
                        random.nextInt(3) == 0
                            ? Optional.of(Duration.ofMinutes(2))
                            : Optional.empty();
                    try {
                      given.add(new Given(identity, allocator.allocate(request(identity, lease))));
                    } catch (RuntimeException emptyPool) {
                      // NoSandboxAvailable while cleanup/sync refill the pool
                    }
                  }
                }));
      }
      for (Job job : List.of(sync, expiry, cleanup)) {
        futures.add(
            threads.submit(
                () -> {
                  while (!done.get()) {
                    operations.incrementAndGet();
                    launcher.launch(job, "");
                    sleep(20); // jobs run back to back, but leave DynamoDB Local some room for
                    // allocations
                  }
                }));
      }
      futures.add(
          threads.submit(
              () -> { // time passes: leases run out
                while (!done.get()) {
                  clock.advance(Duration.ofSeconds(20));
                  sleep(50);
                }
              }));
      futures.add(
          threads.submit(
              () -> { // a watcher: an owner, once stamped, never changes
                while (!done.get()) {
                  for (Sandbox s : store.allSandboxes()) {
                    if (!s.allocatedTo().isEmpty()) {
                      String before = firstOwner.putIfAbsent(s.sandboxId(), s.allocatedTo());
                      if (before != null && !before.equals(s.allocatedTo())) {
                        violations.add("owner of " + s.sandboxId() + " changed");
                      }
                    }
                  }
                  sleep(300);
                }
              }));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (operations.get() < TARGET_OPERATIONS && System.nanoTime() < deadline) {
        sleep(100);
      }
      done.set(true);
      for (Future<?> f : futures) {
        f.get(1, TimeUnit.MINUTES);
      }
      threads.shutdown();
      timers.shutdownNow();

      assertThat(operations.get()).isGreaterThanOrEqualTo(TARGET_OPERATIONS);
      assertThat(violations).isEmpty();

      // no sandbox given to two identities
      Map<String, String> holder = new ConcurrentHashMap<>();
      for (Given g : given) {
        String other = holder.putIfAbsent(g.allocation().sandboxId(), g.identity());
        assertThat(other == null || other.equals(g.identity()))
            .as("sandbox %s given to two identities", g.allocation().sandboxId())
            .isTrue();
      }
      // no allocation undone by a job
      int stillHeld = 0;
      int expiredByJob = 0;
      for (Given g : given) {
        Sandbox s = store.findSandbox(g.allocation().sandboxId()).orElseThrow();
        assertThat(s.allocatedTo()).isEqualTo(g.identity());
        assertThat(s.status()).isNotIn(SandboxStatus.AVAILABLE, SandboxStatus.STALE);
        if (s.status() == SandboxStatus.ALLOCATED) {
          stillHeld++;
        } else if (!markedByOwner.contains(s.sandboxId())) {
          expiredByJob++;
          assertThat(s.deletionRequestedAt())
              .as("%s released by a job before its lease ran out", s.sandboxId())
              .isGreaterThanOrEqualTo(g.allocation().expiresAt());
        }
      }
      long deleted = store.sandboxesInStatus(SandboxStatus.DELETED).size();
      System.out.printf(
          "interleaving: %d operations, %d allocations, %d marked by owner, %d expired by job, %d still held, %d deleted upstream%n",
          operations.get(), given.size(), markedByOwner.size(), expiredByJob, stillHeld, deleted);
      assertThat(given.size()).isGreaterThan(50);
      assertThat(expiredByJob).isPositive();
      assertThat(deleted).isPositive();
    }
  }

  static AllocationRequest request(String identity, Optional<Duration> lease) {
    return new AllocationRequest(identity, identity, "lab", "", lease);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
