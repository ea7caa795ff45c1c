package com.sandboxbroker.bench;

import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.allocation.AllocationListener;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * The floor the allocation path is compared with: raw conditional {@code UpdateItem} claims per
 * second, with the AWS SDK v2 API, against the same kind of DynamoDB Local the service runs in local
 * mode: embedded (no HTTP), in memory, DynamoDB Local 3.1.0 (one version for the reactor), on a
 * table created by the service's own store code (same keys, same {@code StatusIndex} GSI, which a
 * claim must also update). Each claim is the service's claim request verbatim: same update and
 * condition expression ({@code status = available}), same return values. Every thread claims
 * distinct items, so the floor has no conflicts: it is what the database allows, nothing else.
 *
 * <p>It runs in the bench JVM while the service process sits idle, right before the scenario it
 * is compared with, at that scenario's concurrency (C threads, each one claim at a time, as the
 * service's Jetty threads would be), so both see the same machine load within seconds.
 */
final class ClaimFloor implements AutoCloseable {
  private static final String TABLE = "floor";

  private final AmazonDynamoDBLocal embedded;
  private final DynamoDbClient dynamo;
  private final DynamoDbSandboxStore store;
  private final AtomicInteger runs = new AtomicInteger();

  ClaimFloor() {
    this.embedded = DynamoDBEmbedded.create(true); // the flag disables telemetry
    this.dynamo = embedded.dynamoDbClient();
    this.store = new DynamoDbSandboxStore(dynamo, TABLE);
    store.createTableIfMissing();
  }

  /** Result of one measurement: claims per second and how many claims it timed. */
  record Measurement(int concurrency, int claims, double claimsPerSecond, double cpuMsPerOp) {}

  /** CPU time of this JVM so far (all threads, incl. the embedded database), in milliseconds. */
  static double processCpuMillis() {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime() / 1e6;
  }

  /** Claims {@code claims} fresh items with {@code concurrency} threads; returns claims/s. */
  Measurement measure(int concurrency, int claims) throws Exception {
    int run = runs.incrementAndGet();
    List<String> ids = seed(run, claims);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger lost = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(concurrency);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        done.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  int i;
                  while ((i = next.getAndIncrement()) < ids.size()) {
                    if (!claim(ids.get(i))) {
                      lost.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      ready.await();
      double cpu0 = processCpuMillis();
      long start = System.nanoTime();
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = processCpuMillis() - cpu0;
      if (lost.get() > 0) {
        throw new IllegalStateException("floor claims lost on distinct items: " + lost.get());
      }
      return new Measurement(concurrency, claims, claims / seconds, cpu / claims);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Diagnostic, not a target: core's {@link Allocator} itself (lease PutItem + claim UpdateItem,
   * candidate buffer) on the same embedded DynamoDB Local, in this JVM, without HTTP, at the same
   * concurrency, one allocation per identity. Set against the floor it shows what the protocol
   * costs; set against the HTTP scenario, what the service process and the network stack cost.
   */
  Measurement measureAllocator(int concurrency, int allocations) throws Exception {
    int run = runs.incrementAndGet();
    String table = "alloc" + run;
    DynamoDbSandboxStore allocStore = new DynamoDbSandboxStore(dynamo, table);
    allocStore.createTableIfMissing();
    seed(allocStore, run, allocations);
    Allocator allocator =
        new Allocator(
            allocStore,
            AllocationPolicy.defaults(),
            Clock.systemUTC(),
            () -> UUID.randomUUID().toString(),
            AllocationListener.NONE);
    AtomicInteger next = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(concurrency);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        done.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  int i;
                  while ((i = next.getAndIncrement()) < allocations) {
                    String identity = "learner-" + run + "-" + i;
                    allocator.allocate(new AllocationRequest(identity, identity, "", "", Optional.empty()));
                  }
                  return null;
                }));
      }
      ready.await();
      double cpu0 = processCpuMillis();
      long start = System.nanoTime();
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Measurement(
          concurrency, allocations, allocations / seconds, (processCpuMillis() - cpu0) / allocations);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The service's claim ({@code DynamoDbSandboxStore.claim}) as one raw SDK call. */
  private boolean claim(String sandboxId) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(TABLE)
                  .key(
                      Map.of(
                          TableContract.PARTITION_KEY, s(TableContract.SANDBOX_PK_PREFIX + sandboxId),
                          TableContract.SORT_KEY, s(TableContract.SANDBOX_SK)))
                  .updateExpression(
                      "SET #status = :allocated, #owner = :owner, #lab = :lab, #lease = :lease,"
                          + " #at = :at, #exp = :exp, #drq = :zero,"
                          + " #version = if_not_exists(#version, :zero) + :one")
                  .conditionExpression("#status = :available")
                  .expressionAttributeNames(
                      Map.of(
                          "#status", "status",
                          "#owner", "allocated_to_track",
                          "#lab", "track_name",
                          "#lease", "lease_id",
                          "#at", "allocated_at",
                          "#exp", "expires_at",
                          "#drq", "deletion_requested_at",
                          "#version", "version"))
                  .expressionAttributeValues(
                      Map.of(
                          ":allocated", s(SandboxStatus.ALLOCATED.wireName()),
                          ":available", s(SandboxStatus.AVAILABLE.wireName()),
                          ":owner", s("floor-" + sandboxId),
                          ":lab", s(""),
                          ":lease", s(UUID.randomUUID().toString()),
                          ":at", n(1_800_000_000L),
                          ":exp", n(1_800_172_800L),
                          ":zero", n(0),
                          ":one", n(1)))
                  .returnValues(ReturnValue.ALL_NEW)
                  .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Inserts fresh available sandboxes through the service's store code (untimed). */
  private List<String> seed(int run, int count) throws Exception {
    return seed(store, run, count);
  }

  private static List<String> seed(DynamoDbSandboxStore store, int run, int count) throws Exception {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add("floor" + run + "-" + i);
    }
    long now = System.currentTimeMillis() / 1000;
    // a few writers: seeding is not measured, only needs to be quick on 2 cores
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String id : ids) {
        done.add(
            pool.submit(
                () ->
                    store.insertSandbox(
                        Sandbox.available(
                            new UpstreamSandbox(id, "floor-" + id, "identity/accounts/" + UUID.randomUUID(), ""),
                            now))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return ids;
  }

  private static AttributeValue s(String v) {
    return AttributeValue.builder().s(v).build();
  }

  private static AttributeValue n(long v) {
    return AttributeValue.builder().n(Long.toString(v)).build();
  }

  @Override
  public void close() {
    embedded.shutdown();
  }
}
