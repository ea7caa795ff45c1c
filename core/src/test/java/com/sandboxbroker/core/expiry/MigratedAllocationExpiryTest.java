package com.sandboxbroker.core.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.testing.EarlierBrokerItems;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Issue 13 item 5: allocations copied from the earlier broker's table (no {@code lease_id}, no
 * {@code version}, sometimes no {@code expires_at}) expire on the one lease clock like ours.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MigratedAllocationExpiryTest {
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

  private static void putEarlierBrokerItem(
      String table, String id, String lab, long allocatedAt, Long expiresAt) {
    EarlierBrokerItems.putAllocation(
        client, table, id, lab, allocatedAt, Optional.ofNullable(expiresAt));
  }

  @Test
  void migratedAllocationsExpireOnTheOneLeaseClock() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    long now = clock.instant().getEpochSecond();
    String table = LocalDynamo.uniqueTableName();
    DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, table);
    new SandboxTable(client, table).createIfMissing();
    long hour = 3600;
    putEarlierBrokerItem(
        table, "old-past", "lab", now - 50 * hour, now - 2 * hour); // expires_at passed
    putEarlierBrokerItem(table, "old-live", "lab", now - 1 * hour, now + 47 * hour);
    putEarlierBrokerItem(
        table, "no-exp-old", "lab", now - 49 * hour, null); // 48 h default lease ran out
    putEarlierBrokerItem(table, "no-exp-new", "lab", now - 47 * hour, null);
    putEarlierBrokerItem(table, "no-exp-short", "short-lab", now - 3 * hour, null); // lab lease 2 h

    Map<String, Duration> byLab = Map.of("short-lab", Duration.ofHours(2));
    Expiry expiry =
        new Expiry(
            store,
            clock,
            ExpiryPolicy.defaults(),
            lab -> byLab.getOrDefault(lab, Duration.ofHours(48)));
    JobResult result = expiry.run(JobContext.UNSUPERVISED);

    assertThat(result.counts()).containsEntry("expired", 3L).containsEntry("conflicts", 0L);
    for (String id : new String[] {"old-past", "no-exp-old", "no-exp-short"}) {
      Sandbox s = store.findSandbox(id).orElseThrow();
      assertThat(s.status()).as(id).isEqualTo(SandboxStatus.PENDING_DELETION);
      assertThat(s.allocatedTo()).as(id).isEqualTo("learner-" + id); // the owner can still read it
      assertThat(s.deletionRequestedAt()).as(id).isEqualTo(now);
    }
    for (String id : new String[] {"old-live", "no-exp-new"}) {
      assertThat(store.findSandbox(id).orElseThrow().status())
          .as(id)
          .isEqualTo(SandboxStatus.ALLOCATED);
    }

    // a second run finds nothing more to do, and the owner's mark still answers as released
    assertThat(expiry.run(JobContext.UNSUPERVISED).counts()).containsEntry("expired", 0L);
    clock.advance(Duration.ofHours(2));
    assertThat(expiry.run(JobContext.UNSUPERVISED).counts())
        .containsEntry("expired", 1L); // no-exp-new
  }
}
