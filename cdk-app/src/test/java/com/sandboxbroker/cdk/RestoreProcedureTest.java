package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.Page;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.testing.LocalDynamo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The restore runbook's copy step (runbooks/copy-sandbox-items.sh, run for real with the aws CLI
 * against DynamoDB Local) replayed while allocations keep claiming sandboxes in the live table.
 * Before the fix the script put every restored item with an unconditional BatchWriteItem: the
 * restore point's "available" copies landed on sandboxes allocated since, which the next
 * allocations handed to second learners. Now it inserts only what is missing.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RestoreProcedureTest {
  private static final Path SCRIPT =
      SynthesizedBroker.REPO_ROOT.resolve("runbooks").resolve("copy-sandbox-items.sh");
  private static final int POOL = 40;
  private static final int LOST = 10;
  private static LocalDynamo ddb;
  private static DynamoDbClient client;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(
        onPath("aws") && onPath("jq"), "the runbook's copy needs the aws CLI and jq on PATH");
    ddb = LocalDynamo.start();
    client = ddb.client();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
      ddb.close();
    }
  }

  private static boolean onPath(String tool) {
    try {
      return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static Sandbox sandbox(int i, long now) {
    String id = String.format("r-%02d", i);
    return Sandbox.available(
        new UpstreamSandbox(
            id,
            "lab-restore-" + id,
            "identity/accounts/00000000-0000-4000-8000-0000000000" + String.format("%02d", i),
            ""),
        now);
  }

  /**
   * One allocation as the allocator makes it: a random available candidate, a conditional claim.
   */
  private static Optional<String> allocate(DynamoDbSandboxStore store, String identity, long now) {
    for (int attempt = 0; attempt < 50; attempt++) {
      Page<Sandbox> page = store.findAvailable("", Optional.empty(), 100);
      if (page.items().isEmpty()) {
        return Optional.empty();
      }
      Sandbox candidate =
          page.items().get(ThreadLocalRandom.current().nextInt(page.items().size()));
      TransitionResult r =
          store.claim(
              Lease.builder()
                  .identity(identity)
                  .idempotencyKey(identity)
                  .leaseId("lease-" + identity)
                  .candidate(candidate)
                  .trackName("restore")
                  .allocatedAt(now)
                  .expiresAt(now + 3600)
                  .createdAtMillis(now * 1000)
                  .build());
      if (r.applied()) {
        return Optional.of(candidate.sandboxId());
      }
    }
    return Optional.empty();
  }

  @Test
  void theCopyDuringAllocationsNeverGivesOneSandboxToTwoLearners() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String live = LocalDynamo.uniqueTableName();
    String restored = LocalDynamo.uniqueTableName();
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, live);
    new SandboxTable(client, live).createIfMissing();
    DynamoDbSandboxStore restorePoint = new DynamoDbSandboxStore(client, restored);
    new SandboxTable(client, restored).createIfMissing();
    for (int i = 1; i <= POOL; i++) {
      assertThat(store.insertSandbox(sandbox(i, now))).isTrue();
      assertThat(restorePoint.insertSandbox(sandbox(i, now)))
          .isTrue(); // the table at the restore point
    }
    // the damage being repaired: ten records lost from the live table
    for (int i = POOL - LOST + 1; i <= POOL; i++) {
      String id = String.format("r-%02d", i);
      client.deleteItem(
          b ->
              b.tableName(live)
                  .key(
                      Map.of(
                          TableContract.PARTITION_KEY,
                              AttributeValue.fromS(TableContract.SANDBOX_PK_PREFIX + id),
                          TableContract.SORT_KEY, AttributeValue.fromS("META"))));
    }
    // learners keep starting labs after the restore point
    Map<String, Set<String>> handedTo = new ConcurrentHashMap<>();
    Map<String, String> held = new ConcurrentHashMap<>();
    for (int i = 1; i <= 15; i++) {
      String identity = "early-" + i;
      allocate(store, identity, now)
          .ifPresent(
              id -> {
                handedTo.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(identity);
                held.put(identity, id);
              });
    }
    assertThat(held).hasSize(15);

    // the copy runs while four threads keep allocating: 30 more learners for 25 sandboxes
    AtomicInteger next = new AtomicInteger();
    ExecutorService traffic = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      traffic.execute(
          () -> {
            int n;
            while ((n = next.incrementAndGet()) <= 30) {
              String identity = "late-" + n;
              allocate(store, identity, now)
                  .ifPresent(
                      id -> {
                        handedTo
                            .computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet())
                            .add(identity);
                        held.put(identity, id);
                      });
              try {
                Thread.sleep(150); // learners arrive over the whole copy, and after it
              } catch (InterruptedException e) {
                return;
              }
            }
          });
    }
    ProcessBuilder copy = new ProcessBuilder("bash", SCRIPT.toString(), restored, live);
    copy.environment().put("AWS_ENDPOINT_URL", ddb.endpoint().toString());
    copy.environment().put("AWS_ACCESS_KEY_ID", "local");
    copy.environment().put("AWS_SECRET_ACCESS_KEY", "local");
    copy.environment().put("AWS_DEFAULT_REGION", "us-east-1");
    copy.redirectErrorStream(true);
    Process p = copy.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    traffic.shutdown();
    assertThat(traffic.awaitTermination(120, TimeUnit.SECONDS)).isTrue();

    // no sandbox was handed to two learners, and every learner still holds what it was given
    assertThat(handedTo.values()).allSatisfy(owners -> assertThat(owners).hasSize(1));
    for (Map.Entry<String, String> e : held.entrySet()) {
      Sandbox s = store.findSandbox(e.getValue()).orElseThrow();
      assertThat(s.status()).as(e.toString()).isEqualTo(SandboxStatus.ALLOCATED);
      assertThat(s.allocatedTo()).as(e.toString()).isEqualTo(e.getKey());
    }
    assertThat(held.size()).isLessThanOrEqualTo(POOL);
    // the lost records are back; nothing present was overwritten
    assertThat(output).contains(LOST + " inserted").contains((POOL - LOST) + " kept");
    List<Sandbox> all = new ArrayList<>(store.allSandboxes());
    assertThat(all).hasSize(POOL);
    System.out.printf(
        "restore during traffic: %s; %d learners served, %d sandboxes%n",
        output.strip(), held.size(), POOL);
  }
}
