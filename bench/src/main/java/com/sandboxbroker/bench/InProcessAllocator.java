package com.sandboxbroker.bench;

import com.sandboxbroker.core.allocation.AllocationListener;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.tenant.Tenant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * Core's {@link Allocator} itself (lease PutItem + claim UpdateItem, candidate buffer) without
 * HTTP, at the scenario's concurrency: what the service's CPU per allocation is compared with.
 *
 * <p>Its database has the service's history when the service's class starts: a database of its own,
 * created for this measurement, holding the service's inventory (every warm-up pool of the plan,
 * then the scenario's pool), through the service's warm-up (every round of the plan: N learners
 * drain a pool of their own, releases follow the allocations in even rounds and replays in odd
 * ones; each round after the first {@code plan.rounds()} starts once the JIT is quiet). Why:
 * DynamoDB Local's cost per write depends on what the database has seen, so a comparison between
 * two databases of different histories would measure the histories too.
 */
final class InProcessAllocator {
  private static final String TABLE = "alloc";
  private static final long JIT_QUIET_MAX_MILLIS = 60_000;

  private final AtomicInteger runs = new AtomicInteger();

  /** The prepared database (null before {@link #prepare}), its counter and its allocator. */
  private AmazonDynamoDBLocal database;

  private CountingDynamoDb counting;
  private Allocator allocator;
  private int run;
  private int concurrency;
  private int scenarioSize;
  private int warmed;

  /** One class start after the warm-up: {@link #prepare}, {@link #classStart} 0, {@link #close}. */
  ClaimFloor.Measurement measure(int concurrency, int allocations, WarmUp.Plan plan)
      throws Exception {
    try {
      prepare(concurrency, allocations, 1, plan);
      return classStart(0);
    } finally {
      close();
    }
  }

  /**
   * A database of its own with the service's inventory (every warm-up pool of the plan, then {@code
   * repeats} scenario pools of {@code scenarioSize}) and the service's warm-up history; returns the
   * warm-up's allocations. Replaces any database prepared before.
   */
  int prepare(int concurrency, int scenarioSize, int repeats, WarmUp.Plan plan) throws Exception {
    close();
    this.run = runs.incrementAndGet();
    this.concurrency = concurrency;
    this.scenarioSize = scenarioSize;
    database = DynamoDBEmbedded.create(true); // the flag disables telemetry
    counting = new CountingDynamoDb(database.dynamoDbClient());
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(counting.client(), TABLE);
    new SandboxTable(counting.client(), TABLE).createIfMissing();
    seedInventory(store, run, plan, scenarioSize, repeats);
    allocator =
        new Allocator(
            store,
            AllocationPolicy.defaults(),
            Clock.systemUTC(),
            () -> UUID.randomUUID().toString(),
            AllocationListener.NONE);
    warmed = warmUp(allocator, concurrency, plan, run);
    return warmed;
  }

  /** The scenario's class start on scenario pool {@code repeat} of the prepared database. */
  ClaimFloor.Measurement classStart(int repeat) throws Exception {
    if (database == null) {
      throw new IllegalStateException("classStart before prepare");
    }
    long requests0 = counting.total();
    ClaimFloor.Timing timing =
        classStart(
            allocator,
            concurrency,
            "learner-" + run + "-" + repeat + "-",
            scenarioSize,
            InventoryFile.scenarioPool(repeat),
            Follow.NONE);
    return new ClaimFloor.Measurement(
        concurrency,
        scenarioSize,
        scenarioSize / timing.seconds(),
        timing.cpuMillis() / scenarioSize,
        (double) (counting.total() - requests0) / scenarioSize,
        timing.cpuByPart().perUnitSince(timing.cpuByPartBefore(), scenarioSize),
        warmed);
  }

  /** Shuts the prepared database down, if any. */
  void close() {
    if (database != null) {
      database.shutdown();
      database = null;
      allocator = null;
    }
  }

  /** What follows each allocation of a round, as in the service's warm-up. */
  private enum Follow {
    NONE,
    RELEASE,
    REPLAY
  }

  /** Every warm-up pool of the plan ({@code roundSize} each), then the scenario's pools. */
  private static void seedInventory(
      DynamoDbSandboxStore store, int run, WarmUp.Plan plan, int scenarioSize, int repeats)
      throws Exception {
    List<String> ids = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int r = 0; r < plan.pools(); r++) {
      for (int i = 0; i < plan.roundSize(); i++) {
        ids.add("alloc" + run + "-w" + r + "-" + i);
        names.add(InventoryFile.sandboxName(InventoryFile.warmupPool(r), i));
      }
    }
    for (int r = 0; r < repeats; r++) {
      for (int i = 0; i < scenarioSize; i++) {
        ids.add("alloc" + run + "-s" + r + "-" + i);
        names.add(InventoryFile.sandboxName(InventoryFile.scenarioPool(r), i));
      }
    }
    ClaimFloor.seed(store, ids, names);
  }

  /** Every round of the plan, as the service's warm-up runs them; returns its allocations. */
  private static int warmUp(Allocator allocator, int concurrency, WarmUp.Plan plan, int run)
      throws Exception {
    for (int round = 0; round < plan.pools(); round++) {
      if (round >= plan.rounds()) {
        awaitJitQuiet();
      }
      classStart(
          allocator,
          concurrency,
          "warmup-" + run + "-" + round + "-",
          plan.roundSize(),
          InventoryFile.warmupPool(round),
          round % 2 == 0 ? Follow.RELEASE : Follow.REPLAY);
    }
    return plan.pools() * plan.roundSize();
  }

  /** {@code count} identities allocate from {@code pool} over {@code concurrency} threads. */
  private static ClaimFloor.Timing classStart(
      Allocator allocator,
      int concurrency,
      String identityPrefix,
      int count,
      String pool,
      Follow follow)
      throws Exception {
    return ClaimFloor.runTogether(
        concurrency,
        count,
        i -> {
          String identity = identityPrefix + i;
          AllocationRequest request =
              new AllocationRequest(identity, identity, "", pool, Optional.empty());
          Allocation allocation = allocator.allocate(request);
          if (follow == Follow.RELEASE) {
            allocator.markForDeletion(allocation.sandboxId(), Tenant.DEFAULT, identity);
          } else if (follow == Follow.REPLAY
              && !allocator.allocate(request).sandboxId().equals(allocation.sandboxId())) {
            throw new IllegalStateException("a replay returned another sandbox: " + identity);
          }
        });
  }

  /** Until this JVM's compilers used no CPU for a second (at most a minute). */
  private static void awaitJitQuiet() throws Exception {
    long deadline = System.currentTimeMillis() + JIT_QUIET_MAX_MILLIS;
    double last = jitMillis();
    while (System.currentTimeMillis() < deadline) {
      Thread.sleep(1000);
      double now = jitMillis();
      if (now - last < 1) {
        return;
      }
      last = now;
    }
  }

  private static double jitMillis() throws Exception {
    return ThreadCpu.ofThisProcess(ClaimFloor.WORKER_THREADS).millisOf(ThreadCpu.JIT_COMPILERS);
  }
}
