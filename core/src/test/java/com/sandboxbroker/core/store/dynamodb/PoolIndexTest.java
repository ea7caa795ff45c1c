package com.sandboxbroker.core.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.allocation.AllocationListener;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.pool.PoolCountRefresher;
import com.sandboxbroker.core.pool.PoolDefinition;
import com.sandboxbroker.core.pool.PoolStats;
import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.core.testing.ListProvider;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.ReadRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Pools on DynamoDB Local: allocation reads only its pool; counts by key, no Scan. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PoolIndexTest {
  private static LocalDynamo dynamo;
  private final AtomicLong ids = new AtomicLong();

  @BeforeAll
  static void startDynamo() {
    dynamo = LocalDynamo.start();
  }

  @AfterAll
  static void stopDynamo() {
    dynamo.close();
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static Sandbox sandbox(String id, String name) {
    return Sandbox.available(new UpstreamSandbox(id, name, "identity/accounts/" + id, ""), now());
  }

  private Allocator allocator(DynamoDbSandboxStore store) {
    return new Allocator(
        store,
        AllocationPolicy.defaults(),
        Clock.systemUTC(),
        () -> "lease-" + ids.incrementAndGet(),
        AllocationListener.NONE);
  }

  private static AllocationRequest request(String identity, String prefix) {
    return new AllocationRequest(identity, identity, "", prefix, Optional.empty());
  }

  /** {@code count} available sandboxes per pool, written 25 at a time, each with its pool keys. */
  private static void bulkSeed(
      DynamoDbClient client, String table, PoolIndex index, List<String> names) {
    List<List<WriteRequest>> batches = new ArrayList<>();
    List<WriteRequest> batch = new ArrayList<>();
    for (String name : names) {
      Map<String, AttributeValue> item = new HashMap<>(Items.toItem(sandbox("id-" + name, name)));
      item.putAll(index.poolAttributes("id-" + name, name));
      batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
      if (batch.size() == 25) {
        batches.add(batch);
        batch = new ArrayList<>();
      }
    }
    batches.add(batch);
    // a few writers at once: seeding 20,000 items one batch at a time takes minutes on a busy
    // machine
    ForkJoinPool writers = new ForkJoinPool(4);
    try {
      writers.submit(() -> batches.parallelStream().forEach(b -> flush(client, table, b))).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      writers.shutdown();
    }
  }

  private static void flush(DynamoDbClient client, String table, List<WriteRequest> batch) {
    if (batch.isEmpty()) {
      return;
    }
    Map<String, List<WriteRequest>> pending = Map.of(table, List.copyOf(batch));
    while (!pending.isEmpty()) {
      Map<String, List<WriteRequest>> send = pending;
      var r = client.batchWriteItem(b -> b.requestItems(send));
      pending = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
    }
    batch.clear();
  }

  @Test
  void anAllocationInAPoolOfFiveAmong20000ReadsOnlyItsOwnPoolsItems() {
    ReadRecorder reads = new ReadRecorder();
    DynamoDbClient client = dynamo.client(reads);
    String table = LocalDynamo.uniqueTableName();
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, table);
    new SandboxTable(client, table).createIfMissing();
    List<String> others = new ArrayList<>();
    for (int pool = 0; pool < 40; pool++) {
      for (int i = 0; i < 500; i++) {
        others.add(String.format("lab-other%02d-%04d", pool, i));
      }
    }
    long seedStart = System.nanoTime();
    bulkSeed(client, table, new PoolIndex(client, table, PoolAssignment.derivedOnly()), others);
    System.out.printf(
        "[pools] seeded 20,000 sandboxes in %d ms%n", (System.nanoTime() - seedStart) / 1_000_000);
    for (int i = 0; i < 5; i++) {
      assertThat(store.insertSandbox(sandbox("tiny" + i, "lab-tiny-000" + i))).isTrue();
    }
    Allocator allocator = allocator(store);

    reads.reset();
    Allocation first = allocator.allocate(request("learner-1", "lab-tiny-"));
    Allocation second =
        allocator.allocate(request("learner-2", "lab-tiny")); // a prefix of the pool name
    assertThat(first.name()).startsWith("lab-tiny-");
    assertThat(second.name()).startsWith("lab-tiny-");

    List<Map<String, AttributeValue>> returned = reads.items();
    List<Map<String, AttributeValue>> sandboxItems =
        returned.stream()
            .filter(i -> Items.str(i, TableContract.PARTITION_KEY).startsWith("SBX#"))
            .toList();
    assertThat(sandboxItems)
        .as("every sandbox item DynamoDB returned belongs to the requested pool")
        .allSatisfy(
            i -> assertThat(Items.str(i, TableContract.POOL_ATTRIBUTE)).isEqualTo("lab-tiny"));
    // the candidate reads return at most the pool's 5 items (a second read may re-list some)
    assertThat(sandboxItems.size()).isLessThanOrEqualTo(10);
    assertThat(reads.scans()).isZero();
    System.out.printf(
        "[pools] allocation in a pool of 5 among 20,000: %d requests, %d items returned (%d sandbox items), 0 scans%n",
        reads.requests(), returned.size(), sandboxItems.size());

    // the same table's counting: key queries only, exact per pool
    DynamoDbPoolStore pools = new DynamoDbPoolStore(client, table, PoolAssignment.derivedOnly());
    reads.reset();
    List<PoolStats> counts = pools.countPools();
    assertThat(reads.scans()).isZero();
    assertThat(reads.items())
        .allSatisfy(i -> assertThat(Items.str(i, TableContract.PARTITION_KEY)).isEqualTo("POOLS"));
    PoolStats tiny =
        counts.stream().filter(p -> p.pool().equals("lab-tiny")).findFirst().orElseThrow();
    assertThat(tiny.available()).isEqualTo(3);
    assertThat(tiny.count(SandboxStatus.ALLOCATED)).isEqualTo(2);
    assertThat(counts).hasSize(41);
    assertThat(counts.stream().mapToLong(PoolStats::total).sum()).isEqualTo(20_005);
    System.out.printf(
        "[pools] counting 41 pools / 20,005 sandboxes: %d key queries, %d index entries counted, 0 scans%n",
        reads.requests(), reads.counted());
    printCapacity(client, table);
  }

  /**
   * Read units of the two ways to count (DynamoDB Local reports consumed capacity as AWS would).
   */
  private static void printCapacity(DynamoDbClient client, String table) {
    double countUnits = 0;
    for (int pool = 0; pool < 40; pool++) {
      for (SandboxStatus status : SandboxStatus.values()) {
        if (!status.isLive()) {
          continue;
        }
        String partition = String.format("lab-other%02d#0", pool);
        var r =
            client.query(
                b ->
                    b.tableName(table)
                        .indexName(TableContract.POOL_INDEX)
                        .keyConditionExpression("#ps = :ps AND #st = :st")
                        .expressionAttributeNames(Map.of("#ps", "pool_shard", "#st", "status"))
                        .expressionAttributeValues(
                            Map.of(
                                ":ps",
                                AttributeValue.fromS(partition),
                                ":st",
                                AttributeValue.fromS(status.wireName())))
                        .select("COUNT")
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        countUnits += r.consumedCapacity() == null ? 0 : r.consumedCapacity().capacityUnits();
      }
    }
    double scanUnits = 0;
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var r =
          client.scan(
              b ->
                  b.tableName(table)
                      .consistentRead(true)
                      .exclusiveStartKey(from)
                      .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
      scanUnits += r.consumedCapacity() == null ? 0 : r.consumedCapacity().capacityUnits();
      start =
          r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
    } while (start != null);
    System.out.printf(
        "[pools] read units to count 20,000 sandboxes of 40 pools: PoolIndex COUNT queries %.1f, strongly consistent Scan %.1f%n",
        countUnits, scanUnits);
  }

  @Test
  void aShardedPoolSpreadsItsItemsAndIsCountedAndAllocatedAcrossShards() {
    ReadRecorder reads = new ReadRecorder();
    DynamoDbClient client = dynamo.client(reads);
    String table = LocalDynamo.uniqueTableName();
    PoolAssignment assignment =
        new PoolAssignment(List.of(new PoolDefinition("hot", "lab-hot-", 0, 4)));
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, table, assignment);
    new SandboxTable(client, table).createIfMissing();
    for (int i = 0; i < 40; i++) {
      store.insertSandbox(sandbox("h" + i, String.format("lab-hot-%04d", i)));
    }
    store.insertSandbox(sandbox("c1", "lab-cold-0001"));
    Set<String> shards = new HashSet<>();
    reads.reset();
    store.findAvailable("lab-hot-", Optional.empty(), 100).items(); // reads every shard
    for (var item : reads.items()) {
      if (!Items.str(item, TableContract.PARTITION_KEY).startsWith("SBX#")) {
        continue; // the pool registry
      }
      shards.add(Items.str(item, TableContract.POOL_INDEX_PARTITION_KEY));
      assertThat(Items.str(item, TableContract.POOL_ATTRIBUTE)).isEqualTo("hot");
    }
    assertThat(shards).hasSizeGreaterThan(1).allSatisfy(s -> assertThat(s).matches("hot#[0-3]"));

    Allocator allocator = allocator(store);
    Set<String> got = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      got.add(allocator.allocate(request("h-learner-" + i, "lab-hot-")).sandboxId());
    }
    assertThat(got).hasSize(40);
    List<PoolStats> counts = new DynamoDbPoolStore(client, table, assignment).countPools();
    PoolStats hot = counts.stream().filter(p -> p.pool().equals("hot")).findFirst().orElseThrow();
    assertThat(hot.count(SandboxStatus.ALLOCATED)).isEqualTo(40);
    assertThat(hot.available()).isZero();
    assertThat(hot.definition().shards()).isEqualTo(4);
  }

  @Test
  void theRefresherWritesThePoolStateItemOnlyWhenLowFlips() {
    ReadRecorder reads = new ReadRecorder();
    DynamoDbClient client = dynamo.client(reads);
    String table = LocalDynamo.uniqueTableName();
    PoolAssignment assignment =
        new PoolAssignment(List.of(new PoolDefinition("adventure", "lab-adventure-", 3, 1)));
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, table, assignment);
    new SandboxTable(client, table).createIfMissing();
    for (int i = 0; i < 5; i++) {
      store.insertSandbox(sandbox("a" + i, "lab-adventure-000" + i));
    }
    DynamoDbPoolStore pools = new DynamoDbPoolStore(client, table, assignment);
    PoolCountRefresher refresher = refresher(pools, client, table, "task-a");
    Allocator allocator = allocator(store);

    refresher.refresh();
    assertThat(pools.isLow("adventure")).as("healthy pool: no state item").isEmpty();
    for (int i = 0; i < 3; i++) {
      allocator.allocate(request("adv-" + i, "lab-adventure-"));
    }
    PoolCountRefresher.Tick tick = refresher.refresh();
    assertThat(tick.counted()).isTrue();
    assertThat(tick.pools().get(0).isLow()).isTrue();
    var state = stateItem(client, table, "adventure");
    assertThat(state.get("low").bool()).isTrue();
    assertThat(state.get("available").n()).isEqualTo("2");
    assertThat(state.get("low_water").n()).isEqualTo("3");
    assertThat(state.get("item_type").s()).isEqualTo("pool_state");
    assertThat(state).containsKeys("changed_at", "schema_version", "pool");

    // still low: no write to the state item
    reads.reset();
    refresher.refresh();
    refresher.refresh();
    assertThat(pools.isLow("adventure")).contains(true);

    // a second flip to low by another refresher loses its condition: exactly one record per flip
    assertThat(pools.recordLowWaterFlip("adventure", true, 2, 3, now())).isFalse();

    store.insertSandbox(sandbox("a9", "lab-adventure-0009"));
    refresher.refresh();
    assertThat(pools.isLow("adventure")).contains(false);
    assertThat(pools.recordLowWaterFlip("adventure", false, 3, 3, now())).isFalse();
  }

  private static Map<String, AttributeValue> stateItem(
      DynamoDbClient client, String table, String pool) {
    return client
        .getItem(b -> b.tableName(table).key(DynamoDbPoolStore.stateKey(pool)).consistentRead(true))
        .item();
  }

  private static PoolCountRefresher refresher(
      DynamoDbPoolStore pools, DynamoDbClient client, String table, String owner) {
    return new PoolCountRefresher(
        pools,
        new DynamoDbJobStore(client, table),
        Clock.systemUTC(),
        owner,
        Duration.ofSeconds(30),
        Duration.ofHours(6));
  }

  @Test
  void olderItemsWithoutAPoolAreBackfilledOnceAndThenAllocatable() {
    ReadRecorder reads = new ReadRecorder();
    DynamoDbClient client = dynamo.client(reads);
    String table = LocalDynamo.uniqueTableName();
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, table);
    new SandboxTable(client, table).createIfMissing();
    // as the earlier broker (or a task of the previous release) wrote them: no pool attributes
    for (int i = 0; i < 6; i++) {
      Sandbox s = sandbox("old" + i, "lab-legacy-000" + i);
      client.putItem(b -> b.tableName(table).item(Items.toItem(s)));
    }
    Allocator allocator = allocator(store);
    DynamoDbPoolStore pools = new DynamoDbPoolStore(client, table, PoolAssignment.derivedOnly());

    reads.reset();
    assertThat(pools.backfill()).isEqualTo(6);
    assertThat(reads.scans()).isZero();
    assertThat(pools.backfill()).as("idempotent").isZero();
    Allocation a = allocator.allocate(request("legacy-1", "lab-legacy-"));
    assertThat(a.name()).startsWith("lab-legacy-");
    PoolStats legacy = pools.countPools().get(0);
    assertThat(legacy.pool()).isEqualTo("lab-legacy");
    assertThat(legacy.available()).isEqualTo(5);
    assertThat(legacy.count(SandboxStatus.ALLOCATED)).isEqualTo(1);
  }

  @Test
  void syncGivesItemsCopiedFromTheEarlierBrokersTableTheirPool() {
    ReadRecorder reads = new ReadRecorder();
    DynamoDbClient client = dynamo.client(reads);
    String table = LocalDynamo.uniqueTableName();
    PoolAssignment assignment =
        new PoolAssignment(List.of(new PoolDefinition("adventure", "lab-adventure-", 2, 1)));
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, table, assignment);
    new SandboxTable(client, table).createIfMissing();
    List<UpstreamSandbox> upstream = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Sandbox s = sandbox("copy" + i, (i % 2 == 0 ? "lab-adventure-000" : "lab-dns-000") + i);
      client.putItem(
          b -> b.tableName(table).item(Items.toItem(s))); // as the copy script writes them
      upstream.add(new UpstreamSandbox(s.sandboxId(), s.name(), s.externalId(), ""));
    }
    ListProvider provider = new ListProvider();
    provider.set(upstream);
    reads.reset();
    new PoolSync(store, provider, Clock.systemUTC()).run();
    assertThat(reads.scans()).isZero();
    Map<String, Long> available = new HashMap<>();
    new DynamoDbPoolStore(client, table, assignment)
        .countPools()
        .forEach(p -> available.put(p.pool(), p.available()));
    assertThat(available).isEqualTo(Map.of("adventure", 2L, "lab-dns", 2L));
    assertThat(store.assignMissingPools()).as("idempotent").isZero();
  }

  @Test
  void twoRefreshersOnOneTableTakeTurnsNeverCountingTogether() throws Exception {
    String table = LocalDynamo.uniqueTableName();
    DynamoDbClient clientA = dynamo.client();
    DynamoDbClient clientB = dynamo.client();
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(clientA, table);
    new SandboxTable(clientA, table).createIfMissing();
    store.insertSandbox(sandbox("t1", "lab-turns-0001"));
    PoolCountRefresher a =
        refresher(
            new DynamoDbPoolStore(clientA, table, PoolAssignment.derivedOnly()),
            clientA,
            table,
            "task-a");
    PoolCountRefresher b =
        refresher(
            new DynamoDbPoolStore(clientB, table, PoolAssignment.derivedOnly()),
            clientB,
            table,
            "task-b");
    for (int round = 0; round < 10; round++) {
      var ta = a.refresh();
      var tb = b.refresh();
      assertThat(ta.counted() ^ tb.counted()).as("round %d: exactly one counts", round).isTrue();
      assertThat(ta.pools()).isEqualTo(tb.pools());
    }
    a.stop();
    b.stop();
    assertThat(b.refresh().counted() ^ a.refresh().counted()).isTrue();
  }
}
