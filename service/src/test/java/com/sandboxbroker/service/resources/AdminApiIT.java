package com.sandboxbroker.service.resources;

import static com.sandboxbroker.service.testing.TestBroker.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.service.testing.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin endpoints of contract §3 over HTTP against the real app on DynamoDB Local: paging
 * through 1,000 sandboxes, exact stats after a random mix of allocations and marks, the bulk-delete
 * guards, and the audited repair operations.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void pagesThroughAThousandSandboxesWithoutLossDuplicatesOrShortPages() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Set<String> all = new HashSet<>(broker.seed("lab-page-", 1000));
      // a sparse status: 120 allocated, 45 of those then released
      List<String> allocated = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        allocated.add(body(broker.allocate("pager-" + i)).get("sandbox_id").asText());
      }
      Set<String> released = new HashSet<>();
      for (int i = 0; i < 45; i++) {
        var r =
            broker.send(
                broker
                    .request(
                        "/v1/sandboxes/" + allocated.get(i) + "/mark-for-deletion",
                        TestBroker.TRACK_TOKEN)
                    .header("X-Instruqt-Sandbox-ID", "pager-" + i)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build());
        assertThat(r.statusCode()).isEqualTo(200);
        released.add(allocated.get(i));
      }

      long scansBefore = scans(broker);
      List<String> everything = pageThrough(broker, "", 50);
      assertThat(everything).hasSize(1000).doesNotHaveDuplicates();
      assertThat(new HashSet<>(everything)).isEqualTo(all);
      assertThat(pageThrough(broker, "", 7)).hasSize(1000).doesNotHaveDuplicates();
      assertThat(pageThrough(broker, "&lab=nothing-has-this-lab", 50)).isEmpty();
      // issue 12: no request path scans; the listing without a status reads StatusIndex by key
      // (the SDK interceptor behind dynamodb.requests.* counts every request the service sends)
      assertThat(scans(broker) - scansBefore).as("Scans sent by the unfiltered listings").isZero();

      Set<String> stillAllocated = new HashSet<>(allocated);
      stillAllocated.removeAll(released);
      assertThat(pageThrough(broker, "&status=allocated", 50))
          .containsExactlyInAnyOrderElementsOf(stillAllocated);
      assertThat(pageThrough(broker, "&status=pending_deletion", 50))
          .containsExactlyInAnyOrderElementsOf(released);
      assertThat(pageThrough(broker, "&status=pending_deletion", 7))
          .containsExactlyInAnyOrderElementsOf(released);
      assertThat(pageThrough(broker, "&owner=pager-77", 50)).containsExactly(allocated.get(77));
      assertThat(pageThrough(broker, "&status=available", 50)).hasSize(880);

      // default limit is 50
      JsonNode first = body(broker.get("/v1/admin/sandboxes", ADMIN_TOKEN));
      assertThat(first.get("count").asInt()).isEqualTo(50);
      assertThat(first.get("sandboxes")).hasSize(50);
      assertThat(first.get("sandboxes").get(0).has("allocated_to_track")).isTrue();

      // bad cursors and limits
      for (String bad :
          List.of("garbage!", "YWJj", "x".repeat(3000), first.get("cursor").asText() + "x")) {
        assertError(
            broker.get("/v1/admin/sandboxes?cursor=" + enc(bad), ADMIN_TOKEN),
            400,
            "INVALID_CURSOR");
      }
      String statusCursor =
          body(broker.get("/v1/admin/sandboxes?status=available&limit=5", ADMIN_TOKEN))
              .get("cursor")
              .asText();
      assertError(
          broker.get("/v1/admin/sandboxes?cursor=" + enc(statusCursor), ADMIN_TOKEN),
          400,
          "INVALID_CURSOR");
      for (String bad : List.of("0", "501", "-1", "ten", "1e3")) {
        assertError(
            broker.get("/v1/admin/sandboxes?limit=" + bad, ADMIN_TOKEN), 400, "INVALID_LIMIT");
      }
      assertError(
          broker.get("/v1/admin/sandboxes?status=bogus", ADMIN_TOKEN), 400, "INVALID_STATUS");
    }
  }

  @Test
  void statsEqualADirectCountAfterARandomMixOfFiveHundredAllocationsAndMarks() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      broker.seed("lab-stats-", 400);
      Random random = new Random(42);
      List<Integer> ops = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        ops.add(
            random.nextInt(
                3)); // 0,1: allocate a new identity; 2: mark an earlier identity's sandbox
      }
      List<String> held = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
          int n = i;
          int op = ops.get(i);
          futures.add(
              pool.submit(
                  () -> {
                    if (op < 2 || held.isEmpty()) {
                      var r = broker.allocate("mix-" + n);
                      if (r.statusCode() == 201) {
                        held.add("mix-" + n + " " + body(r).get("sandbox_id").asText());
                      }
                    } else {
                      String[] pick = held.get(Math.floorMod(n * 31, held.size())).split(" ");
                      broker.send(
                          broker
                              .request(
                                  "/v1/sandboxes/" + pick[1] + "/mark-for-deletion",
                                  TestBroker.TRACK_TOKEN)
                              .header("X-Instruqt-Sandbox-ID", pick[0])
                              .POST(HttpRequest.BodyPublishers.noBody())
                              .build());
                    }
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      Map<SandboxStatus, Long> direct = new EnumMap<>(SandboxStatus.class);
      for (Sandbox s : broker.store().allSandboxes()) {
        direct.merge(s.status(), 1L, Long::sum);
      }
      JsonNode stats = body(broker.get("/v1/admin/stats", ADMIN_TOKEN));
      assertThat(stats.get("total").asLong()).isEqualTo(400);
      assertThat(stats.get("available").asLong())
          .isEqualTo(direct.getOrDefault(SandboxStatus.AVAILABLE, 0L));
      assertThat(stats.get("allocated").asLong())
          .isEqualTo(direct.getOrDefault(SandboxStatus.ALLOCATED, 0L));
      assertThat(stats.get("pending_deletion").asLong())
          .isEqualTo(direct.getOrDefault(SandboxStatus.PENDING_DELETION, 0L))
          .isPositive();
      assertThat(stats.get("stale").asLong()).isZero();
      assertThat(stats.get("deletion_failed").asLong()).isZero();
      assertThat(stats.get("allocated").asLong() + stats.get("pending_deletion").asLong())
          .isEqualTo(held.size());
    }
  }

  @Test
  void bulkDeleteGuardsAndRepairOperationsAreAudited() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      broker.seed("lab-ops-", 20);
      String a = body(broker.allocate("ops-a")).get("sandbox_id").asText();
      String b = body(broker.allocate("ops-b")).get("sandbox_id").asText();
      long now = System.currentTimeMillis() / 1000;
      insert(broker, "failed-1", SandboxStatus.DELETION_FAILED, 0);
      insert(broker, "stale-old", SandboxStatus.STALE, now - 48 * 3600);
      insert(broker, "stale-new", SandboxStatus.STALE, now - 3600);

      // bulk-delete guards
      assertError(broker.post("/v1/admin/bulk-delete", ADMIN_TOKEN), 400, "MISSING_STATUS");
      assertError(broker.post("/v1/admin/bulk-delete?status=", ADMIN_TOKEN), 400, "MISSING_STATUS");
      // records of used accounts never leave the table this way (sync would hand them out again)
      for (String used : List.of("allocated", "pending_deletion", "deletion_failed")) {
        assertError(
            broker.post("/v1/admin/bulk-delete?status=" + used, ADMIN_TOKEN),
            400,
            "STATUS_NOT_REMOVABLE");
      }
      assertError(
          broker.post("/v1/admin/bulk-delete?status=allocated&confirm=allocated", ADMIN_TOKEN),
          400,
          "STATUS_NOT_REMOVABLE");
      assertError(
          broker.post("/v1/admin/bulk-delete?status=everything", ADMIN_TOKEN),
          400,
          "INVALID_STATUS");
      assertThat(broker.store().findSandbox(a)).isPresent();

      // retry-deletion: deletion_failed -> pending_deletion, recorded with the admin's name
      JsonNode retried =
          body(broker.post("/v1/admin/sandboxes/failed-1/retry-deletion", ADMIN_TOKEN));
      assertThat(retried.get("status").asText()).isEqualTo("pending_deletion");
      assertThat(retried.get("deletion_attempts").asInt()).isZero();
      JsonNode trail = retried.get("admin_actions");
      assertThat(trail).hasSize(1);
      assertThat(trail.get(0).get("by").asText()).isEqualTo("admin-1");
      assertThat(trail.get(0).get("action").asText()).isEqualTo("retry_deletion");
      assertThat(trail.get(0).get("from_status").asText()).isEqualTo("deletion_failed");
      assertThat(trail.get(0).toString()).doesNotContain(ADMIN_TOKEN);
      assertError(
          broker.post("/v1/admin/sandboxes/failed-1/retry-deletion", ADMIN_TOKEN),
          409,
          "INVALID_STATUS_TRANSITION");
      assertError(
          broker.post("/v1/admin/sandboxes/nope/retry-deletion", ADMIN_TOKEN),
          404,
          "SANDBOX_NOT_FOUND");

      // force-release: allocated -> pending_deletion; repeat is a no-op 200
      JsonNode released =
          body(broker.post("/v1/admin/sandboxes/" + a + "/force-release", ADMIN_TOKEN));
      assertThat(released.get("status").asText()).isEqualTo("pending_deletion");
      assertThat(released.get("allocated_to_track").asText()).isEqualTo("ops-a");
      assertThat(released.get("deletion_requested_at").asLong()).isGreaterThanOrEqualTo(now);
      assertThat(released.get("admin_actions").get(0).get("action").asText())
          .isEqualTo("force_release");
      assertThat(released.get("admin_actions").get(0).get("from_status").asText())
          .isEqualTo("allocated");
      JsonNode again =
          body(broker.post("/v1/admin/sandboxes/" + a + "/force-release", ADMIN_TOKEN));
      assertThat(again.get("admin_actions")).hasSize(1);
      assertError(
          broker.post("/v1/admin/sandboxes/nope/force-release", ADMIN_TOKEN),
          404,
          "SANDBOX_NOT_FOUND");
      // the owner still sees it, now released
      var ownerView =
          broker.send(
              broker
                  .request("/v1/sandboxes/" + a, TestBroker.TRACK_TOKEN)
                  .header("X-Instruqt-Sandbox-ID", "ops-a")
                  .GET()
                  .build());
      assertThat(body(ownerView).get("status").asText()).isEqualTo("pending_deletion");

      // full record
      JsonNode record = body(broker.get("/v1/admin/sandboxes/" + b, ADMIN_TOKEN));
      for (String field :
          List.of(
              "sandbox_id",
              "name",
              "external_id",
              "sfdc_account_id",
              "status",
              "allocated_to_track",
              "track_name",
              "lease_id",
              "allocated_at",
              "expires_at",
              "deletion_requested_at",
              "deletion_attempts",
              "next_attempt_at",
              "last_error",
              "deleted_at",
              "created_at",
              "last_seen_at",
              "version",
              "admin_actions")) {
        assertThat(record.has(field)).as(field).isTrue();
      }
      assertError(
          broker.get("/v1/admin/sandboxes/unknown-id", ADMIN_TOKEN), 404, "SANDBOX_NOT_FOUND");

      // auto-delete-stale honours the grace period
      assertError(
          broker.post("/v1/admin/auto-delete-stale?grace_period_hours=0", ADMIN_TOKEN),
          400,
          "INVALID_GRACE_PERIOD");
      assertError(
          broker.post("/v1/admin/auto-delete-stale?grace_period_hours=abc", ADMIN_TOKEN),
          400,
          "INVALID_GRACE_PERIOD");
      JsonNode stale = body(broker.post("/v1/admin/auto-delete-stale", ADMIN_TOKEN));
      assertThat(stale.get("status").asText()).isEqualTo("completed");
      assertThat(stale.get("deleted").asInt()).isEqualTo(1);
      assertThat(stale.get("grace_period_hours").asInt()).isEqualTo(24);
      assertThat(stale.has("duration_ms")).isTrue();
      assertThat(broker.store().findSandbox("stale-old")).isEmpty();
      assertThat(broker.store().findSandbox("stale-new")).isPresent();

      // bulk-delete by status, table only; used accounts' records stay
      JsonNode staleGone = body(broker.post("/v1/admin/bulk-delete?status=stale", ADMIN_TOKEN));
      assertThat(staleGone.get("deleted").asInt()).isEqualTo(1); // stale-new
      assertThat(broker.store().findSandbox(b)).isPresent();
      JsonNode stats = body(broker.get("/v1/admin/stats", ADMIN_TOKEN));
      // 18 available + b allocated + failed-1 (retried) and a pending
      assertThat(stats.get("total").asInt()).isEqualTo(21);
      assertThat(stats.get("pending_deletion").asInt()).isEqualTo(2);
    }
  }

  static void insert(TestBroker broker, String id, SandboxStatus status, long staleSince) {
    broker
        .store()
        .insertSandbox(
            Sandbox.builder(id)
                .name("lab-x-" + id)
                .externalId("identity/accounts/" + id)
                .status(status)
                .deletionAttempts(status == SandboxStatus.DELETION_FAILED ? 5 : 0)
                .lastError(status == SandboxStatus.DELETION_FAILED ? "upstream 500" : "")
                .createdAt(1)
                .lastSeenAt(1)
                .staleSince(staleSince)
                .version(1)
                .build());
  }

  static long scans(TestBroker broker) {
    var meter = broker.metrics().getMeters().get("dynamodb.requests.Scan");
    return meter == null ? 0 : meter.getCount();
  }

  /** Every sandbox id of a listing, asserting no page is short while a cursor follows. */
  static List<String> pageThrough(TestBroker broker, String query, int limit) throws Exception {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 1000; page++) {
      String path =
          "/v1/admin/sandboxes?limit="
              + limit
              + query
              + (cursor == null ? "" : "&cursor=" + enc(cursor));
      HttpResponse<String> r = broker.get(path, ADMIN_TOKEN);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode b = JSON.readTree(r.body());
      assertThat(b.get("count").asInt()).isEqualTo(b.get("sandboxes").size());
      b.get("sandboxes").forEach(s -> ids.add(s.get("sandbox_id").asText()));
      cursor = b.get("cursor").isNull() ? null : b.get("cursor").asText();
      if (cursor == null) {
        return ids;
      }
      assertThat(b.get("count").asInt()).as("short page while more match").isEqualTo(limit);
    }
    throw new AssertionError("listing never ended");
  }

  static JsonNode body(HttpResponse<String> r) {
    try {
      assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode detail = JSON.readTree(r.body()).get("detail");
    assertThat(detail.get("code").asText()).isEqualTo(code);
    assertThat(detail.get("message").asText()).isNotBlank();
    assertThat(detail.get("request_id").asText())
        .isEqualTo(r.headers().firstValue("X-Request-ID").orElseThrow());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
