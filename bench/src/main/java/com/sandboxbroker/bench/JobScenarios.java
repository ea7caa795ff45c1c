package com.sandboxbroker.bench;

import com.sandboxbroker.core.allocation.AllocationListener;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.cleanup.Cleanup;
import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.core.tenant.Tenant;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * The job scenarios, in the bench JVM with core's own use cases (the code the jobs-runner and the
 * service's in-process scheduler both call), on an embedded in-memory DynamoDB Local whose client
 * counts write requests, against {@link UpstreamStub} through core's CSP adapter over HTTP.
 */
final class JobScenarios {
  /** The figures. */
  private static final int SYNC_ACCOUNTS = 10_000;

  private static final int CLEANUP_SANDBOXES = 1_000;
  private static final long UPSTREAM_DELETE_LATENCY_MS = 200;

  /** A drain that has not finished by then is reported as measured so far. */
  private static final Duration CLEANUP_CAP = Duration.ofMinutes(3);

  private JobScenarios() {}

  record Results(Map<String, Object> sync, Map<String, Object> cleanup) {}

  static Results run(List<String> notes) throws Exception {
    AmazonDynamoDBLocal embedded = DynamoDBEmbedded.create(true);
    CountingDynamoDb counting = new CountingDynamoDb(embedded.dynamoDbClient());
    DynamoDbClient dynamo = counting.client();
    try (UpstreamStub upstream = new UpstreamStub(SYNC_ACCOUNTS, UPSTREAM_DELETE_LATENCY_MS)) {
      DynamoDbSandboxStore store = new DynamoDbSandboxStore(dynamo, "jobs");
      new SandboxTable(dynamo, "jobs").createIfMissing();
      Clock clock = Clock.systemUTC();
      CspSandboxProvider csp =
          new CspSandboxProvider(
              HttpClient.newBuilder().connectTimeout(CspSettings.DEFAULT_CONNECT_TIMEOUT).build(),
              new CspSettings(
                  upstream.baseUrl(),
                  "bench-token",
                  CspSettings.DEFAULT_REQUEST_TIMEOUT,
                  CspSettings.DEFAULT_PAGE_SIZE));

      Map<String, Object> syncJson = sync(new PoolSync(store, csp, clock), counting);
      Map<String, Object> cleanupJson = cleanup(store, csp, clock, upstream);
      notes.add(
          "jobs: core's PoolSync and Cleanup (default policies) in the bench JVM on embedded in-memory "
              + "DynamoDB Local, core's CSP adapter over HTTP to a JDK HttpServer stub (DELETE sleeps 200 ms); "
              + "writes = PutItem/UpdateItem/DeleteItem/BatchWriteItem/TransactWriteItems requests.");
      return new Results(syncJson, cleanupJson);
    } finally {
      embedded.shutdown();
    }
  }

  /** Sync: the first run imports everything, the unchanged re-run must write nothing. */
  private static Map<String, Object> sync(PoolSync sync, CountingDynamoDb counting) {
    long w0 = counting.writes();
    long t0 = System.nanoTime();
    PoolSync.Result first = sync.run();
    double firstSeconds = (System.nanoTime() - t0) / 1e9;
    long firstWrites = counting.writes() - w0;
    w0 = counting.writes();
    t0 = System.nanoTime();
    PoolSync.Result again = sync.run();
    double rerunSeconds = (System.nanoTime() - t0) / 1e9;
    long rerunWrites = counting.writes() - w0;
    Map<String, Object> syncJson = new LinkedHashMap<>();
    syncJson.put("accounts", SYNC_ACCOUNTS);
    syncJson.put("first_run_s", BenchMain.round(firstSeconds, 2));
    syncJson.put("rerun_s", BenchMain.round(rerunSeconds, 2));
    syncJson.put("rerun_writes", rerunWrites);
    syncJson.put("first_run_writes", firstWrites);
    syncJson.put("first_run_inserted", first.inserted());
    syncJson.put("rerun_counts", again.counts());
    return syncJson;
  }

  /** Cleanup: 1,000 sandboxes allocated then released, drained against the 200 ms upstream. */
  private static Map<String, Object> cleanup(
      DynamoDbSandboxStore store, CspSandboxProvider csp, Clock clock, UpstreamStub upstream) {
    Allocator allocator =
        new Allocator(
            store,
            AllocationPolicy.defaults(),
            clock,
            () -> UUID.randomUUID().toString(),
            AllocationListener.NONE);
    for (int i = 0; i < CLEANUP_SANDBOXES; i++) {
      String identity = "cleanup-" + i;
      Allocation a =
          allocator.allocate(new AllocationRequest(identity, identity, "", "", Optional.empty()));
      allocator.markForDeletion(a.sandboxId(), Tenant.DEFAULT, identity);
    }
    CleanupPolicy policy = CleanupPolicy.defaults();
    Cleanup cleanup = new Cleanup(store, csp, Optional.empty(), clock, policy);
    long deletedBefore = store.countByStatus().get(SandboxStatus.DELETED);
    long t0 = System.nanoTime();
    long deadline = t0 + CLEANUP_CAP.toNanos();
    int runs = 0;
    long deleted = 0;
    while (System.nanoTime() < deadline) {
      JobResult r = cleanup.run(JobContext.UNSUPERVISED);
      runs++;
      deleted = store.countByStatus().get(SandboxStatus.DELETED) - deletedBefore;
      if (r.counts().getOrDefault("due", 0L) == 0 || deleted >= CLEANUP_SANDBOXES) {
        break;
      }
    }
    double drainSeconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> cleanupJson = new LinkedHashMap<>();
    cleanupJson.put("sandboxes", CLEANUP_SANDBOXES);
    cleanupJson.put("drain_per_min", BenchMain.round(deleted / (drainSeconds / 60), 0));
    cleanupJson.put("deleted", deleted);
    cleanupJson.put("wall_s", BenchMain.round(drainSeconds, 1));
    cleanupJson.put("runs", runs);
    cleanupJson.put("parallelism", policy.parallelism());
    cleanupJson.put("max_items_per_run", policy.maxItems());
    cleanupJson.put("upstream_delete_latency_ms", UPSTREAM_DELETE_LATENCY_MS);
    cleanupJson.put("upstream_deletes", upstream.deletes());
    return cleanupJson;
  }
}
