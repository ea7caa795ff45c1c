package com.sandboxbroker.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract §8/§9 in local mode: {@code pool.low} and {@code pool.recovered} reach the local feed
 * ({@code GET /v1/admin/events}) once per crossing of a pool's low-water mark — not once per
 * refresh — with two service instances (two refreshers, one lock) on one table, and each is valid
 * against the documented event schema (numbers from the stream as strings of digits).
 *
 * <p>The configured pool {@code adventure} (prefix {@code lab-adventure-}, low water 3) starts
 * empty, so below its mark; seeding 5 lifts it, 3 allocations take it to 2, seeding 2 more lifts it
 * again: low, recovered, low, recovered, each after several refresh intervals in that state.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PoolLowWaterEventsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REFRESH_SECONDS = 1;

  private static JsonNode json(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    try {
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  /** The pool events of the feed for {@code pool}, oldest first, paging through all of it. */
  private static List<JsonNode> poolEvents(TestBroker broker, String pool) {
    List<JsonNode> events = new ArrayList<>();
    String after = "";
    while (true) {
      JsonNode page =
          json(
              broker.get(
                  "/v1/admin/events?limit=500" + (after.isEmpty() ? "" : "&after=" + after),
                  TestBroker.ADMIN_TOKEN));
      if (page.get("events").isEmpty()) {
        return events;
      }
      for (JsonNode e : page.get("events")) {
        if (e.get("type").asText().startsWith("pool.") && e.get("pool").asText().equals(pool)) {
          events.add(e);
        }
      }
      after = page.get("next").asText();
    }
  }

  /**
   * Waits for the {@code count}-th pool event, then several more refresh intervals for any extra.
   */
  private static List<JsonNode> awaitPoolEvents(TestBroker broker, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (poolEvents(broker, "adventure").size() < count && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Thread.sleep(4L * REFRESH_SECONDS * 1000); // four more ticks of each refresher in this state
    return poolEvents(broker, "adventure");
  }

  private static List<String> types(List<JsonNode> events) {
    return events.stream().map(e -> e.get("type").asText()).toList();
  }

  @Test
  void eachCrossingOfTheLowWaterMarkIsOnePoolEventInTheLocalFeed() throws Exception {
    ConfigOverride refresh =
        ConfigOverride.config("poolGaugeRefreshSeconds", Integer.toString(REFRESH_SECONDS));
    try (TestBroker a =
            TestBroker.start(
                refresh,
                ConfigOverride.config("events.localFeed", "true"),
                ConfigOverride.config("events.pollMillis", "100"));
        TestBroker b = TestBroker.anotherInstance(a, refresh)) {
      // the empty configured pool is below its mark: one pool.low, however many ticks pass
      assertThat(types(awaitPoolEvents(a, 1))).containsExactly("pool.low");

      a.seed("lab-adventure-", 5);
      assertThat(types(awaitPoolEvents(a, 2))).containsExactly("pool.low", "pool.recovered");

      for (int i = 0; i < 3; i++) { // 5 -> 2 available, through both instances
        TestBroker via = i % 2 == 0 ? a : b;
        HttpResponse<String> r =
            via.send(
                via.request("/v1/allocate", TestBroker.TRACK_TOKEN)
                    .header("X-Instruqt-Sandbox-ID", "low-water-" + i)
                    .header("X-Sandbox-Name-Prefix", "lab-adventure-")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      }
      assertThat(types(awaitPoolEvents(a, 3)))
          .containsExactly("pool.low", "pool.recovered", "pool.low");

      a.seed("lab-adventure-x", 2); // 4 available
      List<JsonNode> events = awaitPoolEvents(a, 4);
      assertThat(types(events))
          .containsExactly("pool.low", "pool.recovered", "pool.low", "pool.recovered");
      assertThat(events.stream().map(e -> e.get("id").asText()).distinct()).hasSize(4);

      // what a subscriber reads: the count that crossed the mark and the mark itself
      // (a seed may be counted part-way: a recovery reports what the count saw, at least the mark)
      assertThat(events.get(0).get("available").asText()).isEqualTo("0");
      assertThat(events.get(2).get("available").asText()).isEqualTo("2");
      assertThat(Long.parseLong(events.get(1).get("available").asText())).isBetween(3L, 5L);
      assertThat(Long.parseLong(events.get(3).get("available").asText())).isBetween(3L, 4L);
      assertThat(events)
          .allSatisfy(
              e -> {
                assertThat(e.get("low_water").asText()).isEqualTo("3");
                assertThat(e.get("pool").asText()).isEqualTo("adventure");
                assertThat(e.get("time").isIntegralNumber()).isTrue();
                assertThat(e.get("sandbox_id").isNull()).isTrue();
              });
      Schema schema =
          SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
              .getSchema(
                  Files.newInputStream(
                      Path.of("")
                          .toAbsolutePath()
                          .getParent()
                          .resolve("docs/events/lifecycle-event.schema.json")));
      for (JsonNode e : events) {
        assertThat(schema.validate(e)).as(e.toString()).isEmpty();
      }
      // the schema checks the pool fields' types: a JSON number where the stream gives a string
      // fails
      var numeric = events.get(0).deepCopy();
      ((ObjectNode) numeric).put("available", 0);
      assertThat(schema.validate(numeric)).isNotEmpty();
    }
  }
}
