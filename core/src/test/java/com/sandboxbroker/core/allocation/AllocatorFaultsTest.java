package com.sandboxbroker.core.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.core.sandbox.IdentityLimitReachedException;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.NoSandboxAvailableException;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.tenant.Tenant;
import com.sandboxbroker.core.testing.FaultInjectingStore;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The allocation protocol under injected store faults (lost answers, stalls, takeovers), on
 * DynamoDB Local through a store decorator that fails, delays or blocks real calls.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AllocatorFaultsTest {
  private static LocalDynamo ddb;
  private static DynamoDbClient client;

  private final MutableClock clock = new MutableClock(Instant.now());
  private DynamoDbSandboxStore real;

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
    real = new DynamoDbSandboxStore(client, LocalDynamo.newTable(client));
  }

  private void seed(int n) {
    for (int i = 0; i < n; i++) {
      real.insertSandbox(
          Sandbox.available(
              new UpstreamSandbox("s" + i, "lab-" + i, "identity/accounts/u" + i, ""), 1));
    }
  }

  private Allocator allocator(SandboxStore store, int cap, Duration budget) {
    return new Allocator(
        store,
        new AllocationPolicy(cap, Duration.ofHours(48), Map.of(), budget, 10),
        clock,
        () -> UUID.randomUUID().toString(),
        AllocationListener.NONE);
  }

  private static AllocationRequest request(String identity, String key) {
    return new AllocationRequest(identity, key, "", "", Optional.empty());
  }

  private long held(String identity) {
    return real.allSandboxes().stream()
        .filter(s -> s.status() == SandboxStatus.ALLOCATED && s.isHeldBy(identity))
        .count();
  }

  /** Issue 13 item 1: a failed claim must not leave its candidate reserved in this instance. */
  @Test
  void aClaimThatThrowsDoesNotKeepTheOnlySandboxFromTheNextIdentity() {
    seed(1);
    AtomicBoolean failed = new AtomicBoolean();
    SandboxStore store =
        FaultInjectingStore.wrap(
            real,
            (method, args, call) -> {
              if (method.equals("claim") && failed.compareAndSet(false, true)) {
                throw FaultInjectingStore.lostBeforeSending(method);
              }
              return call.proceed();
            });
    Allocator allocator = allocator(store, 1, Duration.ofSeconds(5));

    assertThatThrownBy(() -> allocator.allocate(request("ann", "ann")))
        .isInstanceOf(SdkException.class);
    Allocation next = allocator.allocate(request("bea", "bea"));

    assertThat(next.created()).isTrue();
    assertThat(next.sandboxId()).isEqualTo("s0");
  }

  /** Item 1, the other exit paths: a lease write that throws, and a deadline hit after a move. */
  @Test
  void aLeaseWriteThatThrowsOrADeadlineAfterAMoveReleasesTheReservationToo() {
    seed(1);
    AtomicInteger putFailures = new AtomicInteger();
    SandboxStore store =
        FaultInjectingStore.wrap(
            real,
            (method, args, call) -> {
              if (method.equals("putLease") && putFailures.getAndIncrement() == 0) {
                throw FaultInjectingStore.lostBeforeSending(method);
              }
              return call.proceed();
            });
    Allocator allocator = allocator(store, 1, Duration.ofSeconds(5));
    assertThatThrownBy(() -> allocator.allocate(request("cat", "cat")))
        .isInstanceOf(SdkException.class);
    assertThat(allocator.allocate(request("dan", "dan")).sandboxId()).isEqualTo("s0");

    // a lost claim moves the lease to a fresh candidate; the budget runs out right after the move
    table();
    seed(2);
    AtomicBoolean stolen = new AtomicBoolean();
    AtomicBoolean stalled = new AtomicBoolean();
    Duration budget = Duration.ofSeconds(5);
    AtomicLong eveStarts = new AtomicLong();
    SandboxStore racing =
        FaultInjectingStore.wrap(
            real,
            (method, args, call) -> {
              if (method.equals("claim") && stolen.compareAndSet(false, true)) {
                // another instance claims this candidate first, so this claim is lost
                Lease lease = (Lease) args[0];
                real.claim(
                    Lease.builder()
                        .identity("thief")
                        .idempotencyKey("t")
                        .leaseId("t-lease")
                        .sandboxId(lease.sandboxId())
                        .name(lease.name())
                        .externalId(lease.externalId())
                        .allocatedAt(1)
                        .expiresAt(Instant.now().getEpochSecond() + 3600)
                        .createdAtMillis(clock.millis())
                        .build());
              }
              Object result = call.proceed();
              if (method.equals("replaceLease") && stalled.compareAndSet(false, true)) {
                // until past the budget: the loop turn right after the move hits the deadline
                TimeUnit.NANOSECONDS.sleep(
                    eveStarts.get() + budget.toNanos() + 300_000_000L - System.nanoTime());
              }
              return result;
            });
    Allocator moving = allocator(racing, 1, budget);
    eveStarts.set(System.nanoTime());
    assertThatThrownBy(() -> moving.allocate(request("eve", "eve")))
        .isInstanceOf(AllocationTimeoutException.class);
    // the moved-to candidate is still available and must be offered to the next identity
    Allocation fox = moving.allocate(request("fox", "fox"));
    assertThat(fox.created()).isTrue();
    assertThat(real.findSandbox(fox.sandboxId()).orElseThrow().isHeldBy("fox")).isTrue();
  }

  /**
   * Issue 13 item 2: a claim still in flight when another request of the same identity takes its
   * (apparently abandoned) lease over must not land: one identity, one sandbox.
   */
  @Test
  void aClaimLandingAfterItsLeaseWasTakenOverNeverGivesTheIdentityASecondSandbox()
      throws Exception {
    seed(4);
    CountDownLatch claimSent = new CountDownLatch(1);
    CountDownLatch takeoverDone = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    SandboxStore store =
        FaultInjectingStore.wrap(
            real,
            (method, args, call) -> {
              if (method.equals("claim") && first.compareAndSet(true, false)) {
                claimSent.countDown();
                takeoverDone.await(30, TimeUnit.SECONDS); // the stalled request, then it lands
              }
              return call.proceed();
            });
    Allocator allocator = allocator(store, 1, Duration.ofSeconds(10));

    CompletableFuture<Allocation> stalled =
        CompletableFuture.supplyAsync(() -> allocator.allocate(request("gil", "key-a")));
    assertThat(claimSent.await(30, TimeUnit.SECONDS)).isTrue();
    clock.advance(Duration.ofSeconds(21)); // past twice the claim budget: the lease looks abandoned
    Allocation takenOver = allocator.allocate(request("gil", "key-b"));
    takeoverDone.countDown();

    assertThat(takenOver.created()).isTrue();
    assertThatThrownBy(() -> stalled.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(AllocationTimeoutException.class);
    assertThat(held("gil")).isEqualTo(1);
    assertThat(real.findSandbox(takenOver.sandboxId()).orElseThrow().isHeldBy("gil")).isTrue();
    // and the taken-over key is told the truth: its slot is used by the other key
    assertThatThrownBy(() -> allocator.allocate(request("gil", "key-a")))
        .isInstanceOf(IdentityLimitReachedException.class);
  }

  /**
   * Issue 13 item 3: a replay finds its key in a later slot before an earlier, freed slot is
   * reused.
   */
  @Test
  void withACapOfTwoAReplayNeverGetsASecondSandboxOnceAnEarlierSlotFrees() {
    seed(5);
    Allocator allocator = allocator(real, 2, Duration.ofSeconds(2));
    Allocation k1 = allocator.allocate(request("hal", "k1"));
    Allocation k2 = allocator.allocate(request("hal", "k2"));
    allocator.markForDeletion(k1.sandboxId(), Tenant.DEFAULT, "hal"); // slot 0 frees

    Allocation replay = allocator.allocate(request("hal", "k2"));

    assertThat(replay.created()).isFalse();
    assertThat(replay.sandboxId()).isEqualTo(k2.sandboxId());
    assertThat(held("hal")).isEqualTo(1);
    // the freed slot still serves a new key
    assertThat(allocator.allocate(request("hal", "k3")).created()).isTrue();
    assertThat(held("hal")).isEqualTo(2);
  }

  /**
   * Issue 13 item 3's residual: two requests of one key <em>in flight at once</em> with a cap of 2.
   * Request A passes slot 0 (another key's live lease) and stalls just before writing slot 1; the
   * other key's sandbox is released (slot 0 dead); request B of A's key finds no lease of its key
   * in either slot, takes slot 0 over and gets a sandbox; A's write lands in slot 1 and it gets a
   * second. Before the fix the one key held two sandboxes; now B waits for the key's request in
   * flight and answers with its sandbox.
   */
  @Test
  void twoConcurrentRequestsOfOneKeyWithACapOfTwoGetOneSandbox() throws Exception {
    seed(6);
    CountDownLatch aAtSlot1 = new CountDownLatch(1);
    CountDownLatch bDone = new CountDownLatch(1);
    SandboxStore store =
        FaultInjectingStore.wrap(
            real,
            (method, args, call) -> {
              if (method.equals("putLease")
                  && args[0] instanceof Lease lease
                  && lease.slot() == 1
                  && lease.idempotencyKey().equals("k")
                  && "A".equals(Thread.currentThread().getName())) {
                aAtSlot1.countDown();
                bDone.await(
                    20, TimeUnit.SECONDS); // stalled until B is through (or has to wait for A)
              }
              return call.proceed();
            });
    Allocator allocator = allocator(store, 2, Duration.ofSeconds(10));
    Allocation other = allocator.allocate(request("ivy", "other")); // slot 0, live

    CompletableFuture<Allocation> a = new CompletableFuture<>();
    Thread ta =
        new Thread(
            () -> {
              try {
                a.complete(allocator.allocate(request("ivy", "k")));
              } catch (Throwable e) {
                a.completeExceptionally(e);
              }
            },
            "A");
    ta.start();
    assertThat(aAtSlot1.await(30, TimeUnit.SECONDS)).isTrue();
    allocator.markForDeletion(other.sandboxId(), Tenant.DEFAULT, "ivy"); // slot 0 frees
    CompletableFuture<Allocation> b =
        CompletableFuture.supplyAsync(() -> allocator.allocate(request("ivy", "k")));
    Allocation bGot;
    try {
      bGot = b.get(3, TimeUnit.SECONDS); // before the fix B was through at once
    } catch (TimeoutException waiting) {
      bGot = null; // B waits for A's request of the same key: let A go on
    }
    bDone.countDown();
    Allocation aGot = a.get(30, TimeUnit.SECONDS);
    if (bGot == null) {
      bGot = b.get(30, TimeUnit.SECONDS);
    }

    assertThat(bGot.sandboxId()).as("one key, one sandbox").isEqualTo(aGot.sandboxId());
    assertThat(held("ivy")).isEqualTo(1);
  }

  /**
   * A candidate held by a claim in flight when another request's budget runs out may still come
   * back: that request is told to retry in a second (503), never "no sandbox" (409, retry in 30 s)
   * while a matching sandbox is still free.
   */
  @Test
  void aBudgetThatRunsOutWhileTheLastCandidateIsInFlightIsATimeoutNotNoSandbox() throws Exception {
    seed(1);
    CountDownLatch claimSent = new CountDownLatch(1);
    CountDownLatch letClaimLand = new CountDownLatch(1);
    SandboxStore store =
        FaultInjectingStore.wrap(
            real,
            (method, args, call) -> {
              if (method.equals("claim") && ((Lease) args[0]).identity().equals("cal")) {
                claimSent.countDown();
                letClaimLand.await(30, TimeUnit.SECONDS); // holds s0 in flight
              }
              return call.proceed();
            });
    Allocator allocator = allocator(store, 1, Duration.ofMillis(300));
    CompletableFuture<Allocation> stalled =
        CompletableFuture.supplyAsync(() -> allocator.allocate(request("cal", "cal")));
    assertThat(claimSent.await(30, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> allocator.allocate(request("dee", "dee")))
        .isInstanceOf(AllocationTimeoutException.class);
    letClaimLand.countDown();
    assertThat(stalled.get(30, TimeUnit.SECONDS).sandboxId()).isEqualTo("s0");
    // now the pool is truly empty, and says so
    assertThatThrownBy(() -> allocator.allocate(request("dee", "dee")))
        .isInstanceOf(NoSandboxAvailableException.class);
  }

  /**
   * At the end of a class start the replays that follow each learner's answer used to reserve the
   * last free sandbox for the length of their lease write, again and again, while the last learner
   * waited for it. A replay this instance recognises reads its lease and reserves nothing.
   */
  @Test
  void aReplayNeverHoldsTheLastFreeSandboxFromALearnerWaitingForIt() throws Exception {
    seed(2);
    CountDownLatch replayWriting = new CountDownLatch(1);
    CountDownLatch letReplayGo = new CountDownLatch(1);
    AtomicInteger ellaPuts = new AtomicInteger();
    SandboxStore store =
        FaultInjectingStore.wrap(
            real,
            (method, args, call) -> {
              if (method.equals("putLease")
                  && ((Lease) args[0]).identity().equals("ella")
                  && ellaPuts.incrementAndGet() > 1) {
                replayWriting.countDown();
                letReplayGo.await(5, TimeUnit.SECONDS); // a slow lease write
              }
              return call.proceed();
            });
    Allocator allocator = allocator(store, 1, Duration.ofMillis(500));
    Allocation first = allocator.allocate(request("ella", "ella"));

    CompletableFuture<Allocation> replay =
        CompletableFuture.supplyAsync(() -> allocator.allocate(request("ella", "ella")));
    replayWriting.await(2, TimeUnit.SECONDS); // before the fix the replay now holds the last one
    Allocation learner;
    try {
      learner = allocator.allocate(request("finn", "finn"));
    } finally {
      letReplayGo.countDown();
    }

    assertThat(learner.created()).isTrue();
    assertThat(learner.sandboxId()).isNotEqualTo(first.sandboxId());
    Allocation replayed = replay.get(30, TimeUnit.SECONDS);
    assertThat(replayed.created()).isFalse();
    assertThat(replayed.sandboxId()).isEqualTo(first.sandboxId());
    assertThat(ellaPuts).as("the replay wrote no lease").hasValue(1);
    assertThat(allocator.reservedCandidates()).isZero();
  }
}
