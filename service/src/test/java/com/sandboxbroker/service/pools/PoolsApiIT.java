package com.sandboxbroker.service.pools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Pools through the real service: {@code /v1/admin/pools} and {@code /v1/admin/stats} against a
 * direct count of the table, the Scans the service sent (none), one refresher across two instances,
 * and a pool below its low-water mark.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class PoolsApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] STATUSES = {
    "available", "allocated", "pending_deletion", "stale", "deletion_failed"
  };

  /**
   * pool → status → count, read straight from the table (the test's own client; a Scan is fine
   * here).
   */
  static Map<String, Map<String, Long>> directCount(TestBroker broker) {
    DynamoDbClient client = broker.dynamo().client();
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page =
          client.scan(
              b -> b.tableName(broker.tableName()).consistentRead(true).exclusiveStartKey(from));
      for (var item : page.items()) {
        if (!item.get("PK").s().startsWith("SBX#")) {
          continue;
        }
        assertThat(item).as("every sandbox item has its pool").containsKey("pool");
        String status = item.get("status").s();
        if (!status.equals("deleted")) {
          counts
              .computeIfAbsent(item.get("pool").s(), p -> new TreeMap<>())
              .merge(status, 1L, Long::sum);
        }
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return counts;
  }

  /** The same shape from {@code GET /v1/admin/pools} (pools without sandboxes left out). */
  static Map<String, Map<String, Long>> apiCount(JsonNode pools) {
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    for (JsonNode p : pools.get("pools")) {
      long sum = 0;
      for (String status : STATUSES) {
        long n = p.get(status).asLong();
        sum += n;
        if (n > 0) {
          counts.computeIfAbsent(p.get("pool").asText(), x -> new TreeMap<>()).put(status, n);
        }
      }
      assertThat(p.get("total").asLong()).as("total of %s", p.get("pool")).isEqualTo(sum);
    }
    return counts;
  }

  private static JsonNode json(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isLessThan(300);
    try {
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long scans(TestBroker broker) {
    var meter = broker.metrics().getMeters().get("dynamodb.requests.Scan");
    return meter == null ? 0 : meter.getCount();
  }

  private static HttpResponse<String> allocate(TestBroker broker, String identity, String prefix) {
    HttpRequest.Builder b =
        broker
            .request("/v1/allocate", TestBroker.TRACK_TOKEN)
            .header("X-Instruqt-Sandbox-ID", identity)
            .POST(HttpRequest.BodyPublishers.noBody());
    if (!prefix.isEmpty()) {
      b.header("X-Sandbox-Name-Prefix", prefix);
    }
    return broker.send(b.build());
  }

  @Test
  void poolsAndStatsEqualADirectCountAfter1000RandomOperationsWithoutAScan() {
    try (TestBroker broker =
        TestBroker.start(
            ConfigOverride.config("jobs.inProcessProvider", "demo"),
            ConfigOverride.config("jobs.syncIntervalSeconds", "0"),
            ConfigOverride.config("jobs.cleanupIntervalSeconds", "0"),
            ConfigOverride.config("jobs.cleanupBackoffBaseSeconds", "0"))) {
      assertThat(json(broker.post("/v1/admin/sync", TestBroker.ADMIN_TOKEN)).get("synced").asLong())
          .isEqualTo(50);
      Random random = new Random(12);
      String[] prefixes = {
        "", "lab-adventure-", "lab-dns", "lab-ddi-automation-00", "lab-threat-defense-", "lab-cloud"
      };
      Map<String, String> held = new HashMap<>(); // sandbox id -> identity
      Map<String, Integer> done = new TreeMap<>();
      long scansBefore = scans(broker);
      for (int op = 0; op < 1000; op++) {
        int dice = random.nextInt(100);
        if (dice < 50) {
          String identity = "learner-" + op;
          HttpResponse<String> r =
              allocate(broker, identity, prefixes[random.nextInt(prefixes.length)]);
          assertThat(r.statusCode()).as(r.body()).isIn(201, 409);
          if (r.statusCode() == 201) {
            held.put(json(r).get("sandbox_id").asText(), identity);
          }
          done.merge("allocate " + r.statusCode(), 1, Integer::sum);
        } else if (dice < 80 && !held.isEmpty()) {
          List<String> ids = new ArrayList<>(held.keySet());
          String id = ids.get(random.nextInt(ids.size()));
          HttpResponse<String> r =
              broker.send(
                  broker
                      .request("/v1/sandboxes/" + id + "/mark-for-deletion", TestBroker.TRACK_TOKEN)
                      .header("X-Instruqt-Sandbox-ID", held.remove(id))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          done.merge("release", 1, Integer::sum);
        } else if (dice < 90) {
          json(broker.post("/v1/admin/sync", TestBroker.ADMIN_TOKEN));
          done.merge("sync", 1, Integer::sum);
        } else {
          json(broker.post("/v1/admin/cleanup", TestBroker.ADMIN_TOKEN));
          done.merge("cleanup", 1, Integer::sum);
        }
      }
      JsonNode pools = json(broker.get("/v1/admin/pools", TestBroker.ADMIN_TOKEN));
      JsonNode stats = json(broker.get("/v1/admin/stats", TestBroker.ADMIN_TOKEN));
      long scansDuring = scans(broker) - scansBefore;
      Map<String, Map<String, Long>> direct = directCount(broker);
      System.out.printf("[pools] 1,000 random operations %s; direct count %s%n", done, direct);

      assertThat(apiCount(pools)).isEqualTo(direct);
      for (String status : STATUSES) {
        long sum = 0;
        for (JsonNode p : pools.get("pools")) {
          sum += p.get(status).asLong();
        }
        long directSum = direct.values().stream().mapToLong(m -> m.getOrDefault(status, 0L)).sum();
        assertThat(stats.get(status).asLong()).as(status).isEqualTo(sum).isEqualTo(directSum);
      }
      assertThat(stats.get("total").asLong())
          .isEqualTo(
              direct.values().stream()
                  .flatMap(m -> m.values().stream())
                  .mapToLong(Long::longValue)
                  .sum());
      assertThat(done.keySet()).contains("allocate 201", "release", "sync", "cleanup");
      assertThat(scansDuring).as("Scans the service sent during the run").isZero();
    }
  }

  @Test
  void aPoolBelowItsLowWaterMarkShowsInAdminPools() {
    try (TestBroker broker = TestBroker.start()) {
      broker.seed("lab-adventure-", 4); // configured: pool "adventure", low_water 3
      broker.seed("lab-dns-basics-", 2); // derived: pool "lab-dns-basics", no low-water mark
      JsonNode adventure =
          pool(json(broker.get("/v1/admin/pools", TestBroker.ADMIN_TOKEN)), "adventure");
      assertThat(adventure.get("prefix").asText()).isEqualTo("lab-adventure-");
      assertThat(adventure.get("low_water").asLong()).isEqualTo(3);
      assertThat(adventure.get("available").asLong()).isEqualTo(4);

      assertThat(allocate(broker, "low-1", "lab-adventure-").statusCode()).isEqualTo(201);
      assertThat(allocate(broker, "low-2", "lab-adventure-").statusCode()).isEqualTo(201);
      JsonNode body = json(broker.get("/v1/admin/pools", TestBroker.ADMIN_TOKEN));
      adventure = pool(body, "adventure");
      assertThat(adventure.get("available").asLong())
          .isEqualTo(2)
          .isLessThan(adventure.get("low_water").asLong());
      assertThat(adventure.get("allocated").asLong()).isEqualTo(2);
      assertThat(adventure.get("total").asLong()).isEqualTo(4);
      JsonNode dns = pool(body, "lab-dns-basics");
      assertThat(dns.get("prefix").asText()).isEqualTo("lab-dns-basics");
      assertThat(dns.get("low_water").asLong()).isZero();
      assertThat(dns.get("available").asLong()).isEqualTo(2);
      // exactly the contract's keys
      List<String> keys = new ArrayList<>();
      adventure.fieldNames().forEachRemaining(keys::add);
      assertThat(keys)
          .containsExactlyInAnyOrder(
              "pool",
              "prefix",
              "low_water",
              "total",
              "available",
              "allocated",
              "pending_deletion",
              "stale",
              "deletion_failed");
    }
  }

  static JsonNode pool(JsonNode body, String name) {
    for (JsonNode p : body.get("pools")) {
      if (p.get("pool").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no pool " + name + " in " + body);
  }

  private static final Pattern GAUGE =
      Pattern.compile("(?m)^broker_pool_available\\{pool=\"([^\"]+)\"} ([0-9.]+)$");
  private static final Pattern LEADER =
      Pattern.compile("(?m)^broker_pool_refresher_leader ([0-9.]+)$");

  static Map<String, Long> availableGauges(TestBroker broker) {
    String text = broker.adminGet("/metrics").body();
    Map<String, Long> gauges = new TreeMap<>();
    Matcher m = GAUGE.matcher(text);
    while (m.find()) {
      long value = (long) Double.parseDouble(m.group(2));
      if (value > 0) { // the table has no item for an empty (configured) pool
        gauges.put(m.group(1), value);
      }
    }
    return gauges;
  }

  static long slowestTick(TestBroker broker) {
    return ((Number)
            broker.metrics().getGauges().get("broker.pool_refresher.slowest_tick_ms").getValue())
        .longValue();
  }

  static int leader(TestBroker broker) {
    Matcher m = LEADER.matcher(broker.adminGet("/metrics").body());
    return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
  }

  static Map<String, Long> directAvailable(TestBroker broker) {
    Map<String, Long> available = new TreeMap<>();
    directCount(broker)
        .forEach(
            (pool, byStatus) -> {
              if (byStatus.getOrDefault("available", 0L) > 0) {
                available.put(pool, byStatus.get("available"));
              }
            });
    return available;
  }

  /**
   * Two instances, one table: after writes through both, the gauges of both equal a direct count
   * within one refresh interval plus the refresher's own work (the leader's lead of 1.5 x its
   * slowest recent tick, the reader's 50 ms offset after the grid point and its own tick) and this
   * test's 100 ms polling. Before the tasks ticked on a common grid, the reading instance could
   * serve counts two intervals old (a round took up to 2 x 4 s here).
   */
  @Test
  void twoInstancesOnOneTableHaveOneRefresherAndAgreeWithTheTableWithinAnInterval()
      throws Exception {
    int intervalSeconds = 4;
    ConfigOverride refresh =
        ConfigOverride.config("poolGaugeRefreshSeconds", Integer.toString(intervalSeconds));
    try (TestBroker a = TestBroker.start(refresh);
        TestBroker b = TestBroker.anotherInstance(a, refresh)) {
      a.seed("lab-adventure-", 12);
      a.seed("lab-dns-basics-", 8);
      Random phase = new Random(4);
      long worst = 0;
      for (int round = 0; round < 8; round++) {
        // writes at a random point of the interval, through both instances
        Thread.sleep(phase.nextInt(intervalSeconds * 1000));
        assertThat(allocate(a, "two-a-" + round, "lab-adventure-").statusCode()).isEqualTo(201);
        assertThat(
                allocate(b, "two-b-" + round, round % 2 == 0 ? "lab-dns" : "lab-adventure-")
                    .statusCode())
            .isEqualTo(201);
        long wroteAt = System.nanoTime();
        Map<String, Long> expected = directAvailable(a);
        long agreedAfterMillis = -1;
        long aAfter = -1;
        long bAfter = -1;
        while (System.nanoTime() - wroteAt < TimeUnit.SECONDS.toNanos(30)) {
          long at = (System.nanoTime() - wroteAt) / 1_000_000;
          if (aAfter < 0 && availableGauges(a).equals(expected)) {
            aAfter = at;
          }
          if (bAfter < 0 && availableGauges(b).equals(expected)) {
            bAfter = at;
          }
          if (aAfter >= 0 && bAfter >= 0) {
            agreedAfterMillis = (System.nanoTime() - wroteAt) / 1_000_000;
            break;
          }
          Thread.sleep(100);
        }
        long slowestTick = Math.max(slowestTick(a), slowestTick(b));
        System.out.printf(
            "[pools] round %d: both instances' gauges equal the table after %d ms (A %d ms, B %d ms, A leads %d;"
                + " slowest recent tick %d ms; interval %d s)%n",
            round, agreedAfterMillis, aAfter, bAfter, leader(a), slowestTick, intervalSeconds);
        assertThat(agreedAfterMillis)
            .as("gauges on both instances agree with the table")
            .isNotNegative();
        // one interval, plus the refresher's own work (the leader starts 1.5 x its slowest recent
        // tick early; a reader's tick takes its time too) and this test's polling
        assertThat(agreedAfterMillis)
            .as("round %d", round)
            .isLessThan(intervalSeconds * 1000L + 1000 + 2 * slowestTick);
        worst = Math.max(worst, agreedAfterMillis);
      }
      System.out.printf(
          "[pools] worst of 8 rounds: %d ms (interval %d s)%n", worst, intervalSeconds);
      // one refresher at a time: exactly one instance counted the last tick, and only it counts
      long countedA = a.metrics().counter("broker.pool_refresher.counted").getCount();
      long countedB = b.metrics().counter("broker.pool_refresher.counted").getCount();
      Thread.sleep(3L * intervalSeconds * 1000);
      long moreA = a.metrics().counter("broker.pool_refresher.counted").getCount() - countedA;
      long moreB = b.metrics().counter("broker.pool_refresher.counted").getCount() - countedB;
      System.out.printf(
          "[pools] over 3 intervals: instance A counted %d times, instance B %d times%n",
          moreA, moreB);
      assertThat(moreA == 0 ^ moreB == 0)
          .as("exactly one instance counts (A %d, B %d)", moreA, moreB)
          .isTrue();
      assertThat(leader(a) + leader(b)).isEqualTo(1);
    }
  }
}
