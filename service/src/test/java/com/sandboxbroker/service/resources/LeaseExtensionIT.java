package com.sandboxbroker.service.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.service.testing.TestBroker;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Contract §7 over HTTP on DynamoDB Local: extend moves the one lease clock on both the sandbox and
 * its lease record (so a replay of allocate shows it), the cap, the three 409s, ownership, and the
 * races — concurrent extensions, and an extension against auto-expiry.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LeaseExtensionIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long HOUR = 3600;

  /** The configured default cap (contract: 96 h) and lease (48 h). */
  private static final long MAX_LEASE = 96 * HOUR;

  private static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    broker.seed("lab-ext-", 260);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static HttpResponse<String> extend(String sandboxId, String identity, String body) {
    HttpRequest.Builder b =
        broker.request("/v1/sandboxes/" + sandboxId + "/extend", TestBroker.TRACK_TOKEN);
    if (identity != null) {
      b.header("X-Instruqt-Sandbox-ID", identity);
    }
    if (body == null) {
      b.POST(BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
    }
    return broker.send(b.build());
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  private static JsonNode allocate(String identity) {
    HttpResponse<String> r = broker.allocate(identity);
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    return json(r);
  }

  private static JsonNode error(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode detail = json(r).get("detail");
    assertThat(detail.get("code").asText()).isEqualTo(code);
    assertThat(detail.get("message").asText()).isNotBlank();
    return detail;
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static Lease lease(String identity) {
    return broker.store().findLease(identity, 0).orElseThrow();
  }

  @Test
  void extendMovesExpiresAtOnBothItemsAndAReplayShowsIt() {
    JsonNode a = allocate("ext-move");
    String id = a.get("sandbox_id").asText();
    long allocatedAt = a.get("allocated_at").asLong();
    assertThat(a.get("expires_at").asLong()).isEqualTo(allocatedAt + 48 * HOUR);

    long before = now();
    HttpResponse<String> r = extend(id, "ext-move", "{\"hours\": 72}");
    long after = now();
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode view = json(r);
    long expires = view.get("expires_at").asLong();
    assertThat(expires).isBetween(before + 72 * HOUR, after + 72 * HOUR);
    assertThat(view.get("status").asText()).isEqualTo("allocated");
    assertThat(view.get("sandbox_id").asText()).isEqualTo(id);
    assertThat(view.get("allocated_at").asLong()).isEqualTo(allocatedAt);

    // the one clock: the replay (answered from the lease), the owner view and the stored items
    HttpResponse<String> replay = broker.allocate("ext-move");
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(json(replay).get("expires_at").asLong()).isEqualTo(expires);
    assertThat(json(replay).get("allocated_at").asLong()).isEqualTo(allocatedAt);
    HttpResponse<String> owner =
        broker.send(
            broker
                .request("/v1/sandboxes/" + id, TestBroker.TRACK_TOKEN)
                .header("X-Instruqt-Sandbox-ID", "ext-move")
                .GET()
                .build());
    assertThat(json(owner).get("expires_at").asLong()).isEqualTo(expires);
    assertThat(broker.store().findSandbox(id).orElseThrow().expiresAt()).isEqualTo(expires);
    assertThat(lease("ext-move").expiresAt()).isEqualTo(expires);
  }

  @Test
  void noBodyMeansTheTokensLeaseLengthAndAnEarlierTargetNeverMovesItBack() {
    JsonNode a = allocate("ext-default");
    String id = a.get("sandbox_id").asText();
    long original = a.get("expires_at").asLong();
    // 1 hour from now is earlier than the 48 h lease: 200, unchanged, nothing written
    HttpResponse<String> shorter = extend(id, "ext-default", "{\"hours\": 1}");
    assertThat(shorter.statusCode()).as(shorter.body()).isEqualTo(200);
    assertThat(json(shorter).get("expires_at").asLong()).isEqualTo(original);
    long versionBefore = broker.store().findSandbox(id).orElseThrow().version();

    // no body: now + 48 h, which is at or after the original (same second or later)
    HttpResponse<String> r = extend(id, "ext-default", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("expires_at").asLong()).isGreaterThanOrEqualTo(original);
    // an empty JSON object is the default too
    assertThat(extend(id, "ext-default", "{}").statusCode()).isEqualTo(200);
    assertThat(broker.store().findSandbox(id).orElseThrow().version())
        .isGreaterThanOrEqualTo(versionBefore);
  }

  @Test
  void theCapIsAllocatedAtPlusMaxLeaseAndThenLeaseLimitReached() {
    JsonNode a = allocate("ext-cap");
    String id = a.get("sandbox_id").asText();
    long cap = a.get("allocated_at").asLong() + MAX_LEASE;

    HttpResponse<String> r = extend(id, "ext-cap", "{\"hours\": 168}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("expires_at").asLong()).isEqualTo(cap);
    assertThat(lease("ext-cap").expiresAt()).isEqualTo(cap);

    JsonNode detail = error(extend(id, "ext-cap", "{\"hours\": 1}"), 409, "LEASE_LIMIT_REACHED");
    assertThat(detail.get("max_expires_at").asLong()).isEqualTo(cap);
    error(extend(id, "ext-cap", null), 409, "LEASE_LIMIT_REACHED");
    // nothing moved
    assertThat(broker.store().findSandbox(id).orElseThrow().expiresAt()).isEqualTo(cap);
  }

  @Test
  void releasedIsSandboxNotAllocatedAndExpiredIsLeaseExpired() {
    JsonNode a = allocate("ext-released");
    String id = a.get("sandbox_id").asText();
    assertThat(broker.post("/v1/sandboxes/" + id + "/mark-for-deletion", null).statusCode())
        .isEqualTo(401);
    HttpResponse<String> mark =
        broker.send(
            broker
                .request("/v1/sandboxes/" + id + "/mark-for-deletion", TestBroker.TRACK_TOKEN)
                .header("X-Instruqt-Sandbox-ID", "ext-released")
                .POST(BodyPublishers.noBody())
                .build());
    assertThat(mark.statusCode()).isEqualTo(200);
    error(extend(id, "ext-released", null), 409, "SANDBOX_NOT_ALLOCATED");

    // an allocation whose expires_at has passed, not yet collected by expiry
    JsonNode b = allocate("ext-expired");
    String expiredId = b.get("sandbox_id").asText();
    setExpiresAt(expiredId, "ext-expired", now() - 5);
    error(extend(expiredId, "ext-expired", "{\"hours\": 5}"), 409, "LEASE_EXPIRED");
    Sandbox still = broker.store().findSandbox(expiredId).orElseThrow();
    assertThat(still.status()).isEqualTo(SandboxStatus.ALLOCATED);
    assertThat(still.expiresAt()).isLessThan(now());
  }

  @Test
  void ownershipIsTheOwnerViewsAndBadBodiesAreInvalidExtension() {
    JsonNode a = allocate("ext-owner");
    String id = a.get("sandbox_id").asText();
    error(extend(id, "someone-else", null), 403, "NOT_SANDBOX_OWNER");
    error(extend("no-such-sandbox", "ext-owner", null), 404, "SANDBOX_NOT_FOUND");
    error(extend(id, null, null), 400, "MISSING_SANDBOX_ID");
    HttpResponse<String> admin =
        broker.send(
            broker
                .request("/v1/sandboxes/" + id + "/extend", TestBroker.ADMIN_TOKEN)
                .header("X-Instruqt-Sandbox-ID", "ext-owner")
                .POST(BodyPublishers.noBody())
                .build());
    error(admin, 403, "FORBIDDEN");
    assertThat(
            broker
                .send(
                    broker
                        .request("/v1/sandboxes/" + id + "/extend", null)
                        .POST(BodyPublishers.noBody())
                        .build())
                .statusCode())
        .isEqualTo(401);

    for (String bad :
        List.of(
            "{\"hours\": 0}",
            "{\"hours\": 169}",
            "{\"hours\": 1.5}",
            "{\"hours\": \"2\"}",
            "{\"hours\": null}",
            "{\"hours\": 2, \"extra\": 1}",
            "[2]",
            "2",
            "not json",
            "{\"hours\": 2} x",
            "{\"hours\": 99999999999}")) {
      JsonNode detail = error(extend(id, "ext-owner", bad), 400, "INVALID_EXTENSION");
      assertThat(detail.get("message").asText())
          .as(bad)
          .containsAnyOf("hours", "JSON", "field", "object");
    }
    // nothing changed by any of them
    assertThat(broker.store().findSandbox(id).orElseThrow().expiresAt())
        .isEqualTo(a.get("expires_at").asLong());
  }

  @Test
  void fiftyConcurrentExtensionsEndAtOneConsistentExpiresAt() throws Exception {
    JsonNode a = allocate("ext-storm");
    String id = a.get("sandbox_id").asText();
    long cap = a.get("allocated_at").asLong() + MAX_LEASE;
    int n = 50;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> results = new ArrayList<>();
    long start = now();
    for (int i = 0; i < n; i++) {
      int hours = 49 + (i % 48); // 49..96: every one asks for more than the 48 h lease
      results.add(
          pool.submit(
              () -> {
                go.await();
                return extend(id, "ext-storm", "{\"hours\": " + hours + "}");
              }));
    }
    go.countDown();
    long highest = 0;
    for (Future<HttpResponse<String>> f : results) {
      HttpResponse<String> r = f.get(5, TimeUnit.MINUTES);
      if (r.statusCode() == 200) {
        highest = Math.max(highest, json(r).get("expires_at").asLong());
      } else {
        // only the cap may refuse (a late request after an earlier one reached it)
        error(r, 409, "LEASE_LIMIT_REACHED");
      }
    }
    pool.shutdown();
    long end = now();
    Sandbox sandbox = broker.store().findSandbox(id).orElseThrow();
    Lease lease = lease("ext-storm");
    assertThat(sandbox.expiresAt()).isEqualTo(lease.expiresAt()).isEqualTo(highest);
    // the largest ask (96 h) from some moment of the storm, or the cap if that came first
    assertThat(sandbox.expiresAt())
        .isBetween(Math.min(cap, start + 96 * HOUR), Math.min(cap, end + 96 * HOUR));
    assertThat(json(broker.allocate("ext-storm")).get("expires_at").asLong())
        .isEqualTo(sandbox.expiresAt());
  }

  /**
   * Expiry's conditional write (its clock 49 h ahead so it sees the 48 h lease as ended) runs
   * against an extension over HTTP to 72 h from now: exactly one may win, and whichever does, the
   * sandbox and its lease agree on {@code expires_at} and the loser left no trace.
   */
  @Test
  void anExtensionRacingAutoExpiryNeverLeavesTheItemsDisagreeing() throws Exception {
    Clock expiryClock = Clock.offset(Clock.systemUTC(), Duration.ofHours(49));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int extendedWins = 0;
    int expiryWins = 0;
    try {
      for (int i = 0; i < 200; i++) {
        String identity = "race-" + i;
        JsonNode a = allocate(identity);
        String id = a.get("sandbox_id").asText();
        long original = a.get("expires_at").asLong();
        CountDownLatch go = new CountDownLatch(1);
        Future<HttpResponse<String>> ext =
            pool.submit(
                () -> {
                  go.await();
                  return extend(id, identity, "{\"hours\": 72}");
                });
        Future<?> exp =
            pool.submit(
                () -> {
                  go.await();
                  // what the expiry job does per item (read, then the conditional write), on this
                  // sandbox only so that the other tests' allocations are not swept by the shifted
                  // clock
                  Sandbox seen = broker.store().findSandbox(id).orElseThrow();
                  if (seen.status() == SandboxStatus.ALLOCATED
                      && seen.expiresAt() <= expiryClock.instant().getEpochSecond()) {
                    broker.store().expireAllocation(seen, expiryClock.instant().getEpochSecond());
                  }
                  return null;
                });
        go.countDown();
        HttpResponse<String> r = ext.get(2, TimeUnit.MINUTES);
        exp.get(2, TimeUnit.MINUTES);

        Sandbox sandbox = broker.store().findSandbox(id).orElseThrow();
        Lease lease = lease(identity);
        assertThat(lease.expiresAt()).as("iteration %d", i).isEqualTo(sandbox.expiresAt());
        if (sandbox.status() == SandboxStatus.ALLOCATED) {
          extendedWins++;
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(sandbox.expiresAt())
              .isGreaterThan(original)
              .isEqualTo(json(r).get("expires_at").asLong());
        } else {
          expiryWins++;
          assertThat(sandbox.status()).isEqualTo(SandboxStatus.PENDING_DELETION);
          assertThat(sandbox.expiresAt()).as("expiry never moves the clock").isEqualTo(original);
          error(r, 409, "SANDBOX_NOT_ALLOCATED");
        }
        // leave nothing allocated for the next round's expiry to sweep
        if (sandbox.status() == SandboxStatus.ALLOCATED) {
          markForDeletion(id, identity);
        }
      }
    } finally {
      pool.shutdown();
    }
    System.out.printf(
        "extension vs expiry, 200 races: extension won %d, expiry won %d%n",
        extendedWins, expiryWins);
    assertThat(extendedWins + expiryWins).isEqualTo(200);
  }

  private static void markForDeletion(String id, String identity) {
    HttpResponse<String> r =
        broker.send(
            broker
                .request("/v1/sandboxes/" + id + "/mark-for-deletion", TestBroker.TRACK_TOKEN)
                .header("X-Instruqt-Sandbox-ID", identity)
                .POST(BodyPublishers.noBody())
                .build());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  /** Test fixture: moves both items' clock, as if the allocation had been made long ago. */
  private static void setExpiresAt(String sandboxId, String identity, long expiresAt) {
    var dynamo = broker.dynamo().client();
    Map<String, AttributeValue> values =
        Map.of(":e", AttributeValue.fromN(Long.toString(expiresAt)));
    dynamo.updateItem(
        b ->
            b.tableName(broker.tableName())
                .key(
                    Map.of(
                        "PK",
                        AttributeValue.fromS("SBX#" + sandboxId),
                        "SK",
                        AttributeValue.fromS("META")))
                .updateExpression("SET expires_at = :e")
                .expressionAttributeValues(values));
    var leaseItem =
        dynamo
            .query(
                b ->
                    b.tableName(broker.tableName())
                        .keyConditionExpression("PK = :pk")
                        .expressionAttributeValues(
                            Map.of(":pk", AttributeValue.fromS("IDN#" + identity))))
            .items()
            .get(0);
    dynamo.updateItem(
        b ->
            b.tableName(broker.tableName())
                .key(Map.of("PK", leaseItem.get("PK"), "SK", leaseItem.get("SK")))
                .updateExpression("SET expires_at = :e")
                .expressionAttributeValues(values));
  }
}
