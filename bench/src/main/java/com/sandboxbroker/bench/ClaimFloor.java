package com.sandboxbroker.bench;

import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * second, with the AWS SDK v2 API, against the same kind of DynamoDB Local the service runs in
 * local mode: embedded (no HTTP), in memory, DynamoDB Local 3.1.0 (one version for the reactor), on
 * a table created by the service's own store code (same keys, same {@code StatusIndex} GSI, which a
 * claim must also update). Each claim is the service's claim request verbatim: same update and
 * condition expression ({@code status = available}), same return values. Every thread claims
 * distinct items, so the floor has no conflicts: it is what the database allows, nothing else.
 *
 * <p>Each measurement gets a database of its own, created for it, as each scenario's service does.
 * It runs in its own JVM (see FloorProcess) while the service process sits idle, right before the
 * scenario it is compared with, at that scenario's concurrency (C threads, each one claim at a
 * time, as the service's Jetty threads would be), so both see the same machine load within seconds.
 */
final class ClaimFloor {
  private static final String TABLE = "floor";

  private final AtomicInteger runs = new AtomicInteger();

  /** Result of one measurement: claims per second and how many claims it timed. */
  record Measurement(
      int concurrency,
      int claims,
      double claimsPerSecond,
      double cpuMsPerOp,
      double requestsPerOp,
      Map<String, Object> cpuMsPerOpByPart,
      int warmupAllocations) {}

  /** CPU time of this JVM so far (all threads, incl. the embedded database), in milliseconds. */
  static double processCpuMillis() {
    var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getProcessCpuTime() / 1e6;
  }

  /** Claims {@code claims} fresh items with {@code concurrency} threads; returns claims/s. */
  Measurement measure(int concurrency, int claims) throws Exception {
    int run = runs.incrementAndGet();
    // a database of its own, like each scenario's service (and InProcessAllocator)
    AmazonDynamoDBLocal fresh = DynamoDBEmbedded.create(true); // the flag disables telemetry
    DynamoDbClient dynamo = fresh.dynamoDbClient();
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(dynamo, TABLE);
    new SandboxTable(dynamo, TABLE).createIfMissing();
    List<String> ids = seed(store, run, claims);
    AtomicInteger lost = new AtomicInteger();
    try {
      Timing timing =
          runTogether(
              concurrency,
              claims,
              i -> {
                if (!claim(dynamo, ids.get(i))) {
                  lost.incrementAndGet();
                }
              });
      if (lost.get() > 0) {
        throw new IllegalStateException("floor claims lost on distinct items: " + lost.get());
      }
      return new Measurement(
          concurrency,
          claims,
          claims / timing.seconds(),
          timing.cpuMillis() / claims,
          1.0,
          timing.cpuByPart().perUnitSince(timing.cpuByPartBefore(), claims),
          0);
    } finally {
      fresh.shutdown();
    }
  }

  /** One unit of a measured run: the {@code i}-th of its {@code count}. */
  @FunctionalInterface
  interface Step {
    void run(int i) throws Exception;
  }

  /** Wall time and this JVM's CPU (the embedded database included) from the start to the end. */
  record Timing(double seconds, double cpuMillis, ThreadCpu cpuByPartBefore, ThreadCpu cpuByPart) {}

  /** The threads that do the measured work: see {@link ThreadCpu}. */
  static final String WORKER_THREADS = "measured-";

  /**
   * Runs steps 0..count-1 on {@code concurrency} threads that start together (each takes the next
   * step when done, as the service's request threads would), timing only the run itself.
   */
  static Timing runTogether(int concurrency, int count, Step step) throws Exception {
    AtomicInteger next = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(concurrency);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            concurrency, r -> new Thread(r, WORKER_THREADS + threads.incrementAndGet()));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        done.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  int i;
                  while ((i = next.getAndIncrement()) < count) {
                    step.run(i);
                  }
                  return null;
                }));
      }
      ready.await();
      ThreadCpu parts0 = ThreadCpu.ofThisProcess(WORKER_THREADS);
      double cpu0 = processCpuMillis();
      long start = System.nanoTime();
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = processCpuMillis() - cpu0;
      return new Timing(seconds, cpu, parts0, ThreadCpu.ofThisProcess(WORKER_THREADS));
    } finally {
      pool.shutdownNow();
    }
  }

  /** The service's claim ({@code DynamoDbSandboxStore.claim}) as one raw SDK call. */
  private static boolean claim(DynamoDbClient dynamo, String sandboxId) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(TABLE)
                  .key(
                      Map.of(
                          TableContract.PARTITION_KEY,
                              s(TableContract.SANDBOX_PK_PREFIX + sandboxId),
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
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Inserts fresh available sandboxes through the service's store code (untimed). */
  private static List<String> seed(DynamoDbSandboxStore store, int run, int count)
      throws Exception {
    List<String> ids = new ArrayList<>(count);
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add("floor" + run + "-" + i);
      names.add("floor-floor" + run + "-" + i);
    }
    seed(store, ids, names);
    return ids;
  }

  /** Available sandboxes with these ids and names, through the service's store code (untimed). */
  static void seed(DynamoDbSandboxStore store, List<String> ids, List<String> names)
      throws Exception {
    long now = System.currentTimeMillis() / 1000;
    // a few writers: seeding is not measured, only needs to be quick on 2 cores
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        String name = names.get(i);
        done.add(
            pool.submit(
                () ->
                    store.insertSandbox(
                        Sandbox.available(
                            new UpstreamSandbox(
                                id, name, "identity/accounts/" + UUID.randomUUID(), ""),
                            now))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static AttributeValue s(String v) {
    return AttributeValue.builder().s(v).build();
  }

  private static AttributeValue n(long v) {
    return AttributeValue.builder().n(Long.toString(v)).build();
  }
}
