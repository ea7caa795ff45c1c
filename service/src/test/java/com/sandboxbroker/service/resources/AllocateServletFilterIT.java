package com.sandboxbroker.service.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The allocate requests a hook sends are answered before Jersey ({@link AllocateServletFilter}),
 * every other request on the route by Jersey, and a client cannot tell the two apart: the same
 * status, headers and body for the same outcome. A request with a stray {@code {}} body (which the
 * contract accepts) always takes Jersey's path, so it is the reference each answer is compared
 * with.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AllocateServletFilterIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Per request or clock; and Connection, which Jersey's path sets to close when it refuses a
   * request that carried a body (the reference requests do, the direct ones never).
   */
  private static final Set<String> VARYING =
      Set.of("date", "x-request-id", "content-length", "connection");

  private static TestBroker broker;

  @BeforeAll
  static void start() {
    // an identity bucket of 2 so the rate limit's refusal is reachable in a few requests
    broker =
        TestBroker.start(
            ConfigOverride.config("rateLimit.burst", "2"),
            ConfigOverride.config("rateLimit.refillPerSecond", "1"));
    // before any request: an instance re-reads the pool list on a miss at most every few seconds
    broker.seed("lab-direct-", 2);
    broker.seed("lab-parity-", 3);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static HttpResponse<String> allocate(
      String token, BodyPublisher body, String... headers) {
    HttpRequest.Builder b = broker.request("/v1/allocate", token).POST(body);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return broker.send(b.build());
  }

  /** Through the servlet filter: no body. */
  private static HttpResponse<String> direct(String... headers) {
    return allocate(TestBroker.TRACK_TOKEN, BodyPublishers.noBody(), headers);
  }

  /** Through Jersey: the stray body the contract tolerates. */
  private static HttpResponse<String> viaJersey(String... headers) {
    return allocate(TestBroker.TRACK_TOKEN, BodyPublishers.ofString("{}"), headers);
  }

  private static long served() {
    return broker.metrics().counter(AllocateServletFilter.SERVED).getCount();
  }

  @Test
  void aHooksAllocateIsServedBeforeJerseyAndItsReplayToo() throws Exception {
    long before = served();
    String[] headers = {
      "X-Instruqt-Sandbox-ID", "direct-1", "X-Sandbox-Name-Prefix", "lab-direct-"
    };
    HttpResponse<String> created = direct(headers);
    HttpResponse<String> replay = direct(headers);

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(replay.body()).get("sandbox_id"))
        .isEqualTo(JSON.readTree(created.body()).get("sandbox_id"));
    assertThat(served() - before).isEqualTo(2);
  }

  @Test
  void bothPathsAnswerAnAllocationAlike() throws Exception {
    HttpResponse<String> direct =
        direct("X-Instruqt-Sandbox-ID", "parity-1", "X-Sandbox-Name-Prefix", "lab-parity-");
    HttpResponse<String> jersey =
        viaJersey("X-Instruqt-Sandbox-ID", "parity-2", "X-Sandbox-Name-Prefix", "lab-parity-");

    assertThat(direct.statusCode()).isEqualTo(201);
    assertSameAnswer(direct, jersey);
    assertThat(fieldNames(JSON.readTree(direct.body())))
        .containsExactlyElementsOf(fieldNames(JSON.readTree(jersey.body())));
  }

  @Test
  void bothPathsReadARepeatedHeaderAlike() throws Exception {
    // Jersey hands the resource the first value (and its filters all values joined); the direct
    // path must read the same identity, or a retry taking the other path would be another learner
    String[] headers = {
      "X-Instruqt-Sandbox-ID", "twice-a",
      "X-Instruqt-Sandbox-ID", "twice-b",
      "X-Sandbox-Name-Prefix", "lab-parity-"
    };
    HttpResponse<String> direct = direct(headers);
    HttpResponse<String> jersey = viaJersey(headers);

    assertThat(direct.statusCode()).as(direct.body()).isEqualTo(201);
    assertThat(jersey.statusCode()).as("Jersey replays the same identity").isEqualTo(200);
    assertThat(JSON.readTree(jersey.body()).get("sandbox_id"))
        .isEqualTo(JSON.readTree(direct.body()).get("sandbox_id"));
  }

  @Test
  void bothPathsRefuseAlike() throws Exception {
    // an empty pool: 409 NO_SANDBOXES_AVAILABLE with Retry-After
    assertSameRefusal("X-Instruqt-Sandbox-ID", "empty", "X-Sandbox-Name-Prefix", "lab-none-");
    // a header the contract refuses: 400 before anything is allocated
    assertSameRefusal("X-Instruqt-Sandbox-ID", "x".repeat(300));
    assertSameRefusal();
  }

  @Test
  void theRateLimitRefusesOnBothPathsAlike() throws Exception {
    // the identity's bucket (burst 2, one more a second) is the same on both paths: direct
    // requests empty it, then Jersey must refuse too (a pair split by a refill is tried again)
    String[] headers = {"X-Instruqt-Sandbox-ID", "limited", "X-Sandbox-Name-Prefix", "lab-none-"};
    for (int attempt = 0; attempt < 20; attempt++) {
      HttpResponse<String> direct = direct(headers);
      if (direct.statusCode() != 429) {
        continue;
      }
      HttpResponse<String> jersey = viaJersey(headers);
      if (jersey.statusCode() == 429) {
        assertThat(direct.headers().firstValue("Retry-After")).isPresent();
        assertSameAnswer(direct, jersey);
        assertThat(errorWithoutRequestId(direct)).isEqualTo(errorWithoutRequestId(jersey));
        return;
      }
    }
    throw new AssertionError("no pair of 429s in 20 attempts: the limit is not shared");
  }

  @Test
  void everyOtherRequestOnTheRouteGoesToJersey() {
    long before = served();
    // no token, an unknown token, an admin token, another method, a client that takes no JSON
    assertThat(allocate(null, BodyPublishers.noBody()).statusCode()).isEqualTo(401);
    assertThat(allocate("not-a-token", BodyPublishers.noBody()).statusCode()).isEqualTo(401);
    assertThat(
            allocate(
                    TestBroker.ADMIN_TOKEN,
                    BodyPublishers.noBody(),
                    "X-Instruqt-Sandbox-ID",
                    "admin")
                .statusCode())
        .isEqualTo(403);
    assertThat(broker.get("/v1/allocate", TestBroker.TRACK_TOKEN).statusCode()).isEqualTo(405);
    HttpResponse<String> html = direct("X-Instruqt-Sandbox-ID", "html", "Accept", "text/html");
    assertThat(html.statusCode()).isEqualTo(406);
    assertThat(html.body()).contains("\"detail\"");
    assertThat(served()).isEqualTo(before);
  }

  private static void assertSameRefusal(String... headers) throws Exception {
    HttpResponse<String> direct = direct(headers);
    HttpResponse<String> jersey = viaJersey(headers);
    assertThat(direct.statusCode()).isBetween(400, 499);
    assertSameAnswer(direct, jersey);
    assertThat(errorWithoutRequestId(direct)).isEqualTo(errorWithoutRequestId(jersey));
  }

  private static void assertSameAnswer(HttpResponse<String> direct, HttpResponse<String> jersey) {
    assertThat(direct.statusCode()).as("status").isEqualTo(jersey.statusCode());
    assertThat(comparableHeaders(direct)).isEqualTo(comparableHeaders(jersey));
  }

  /** Header names and values, except those that differ between any two answers. */
  private static Map<String, Object> comparableHeaders(HttpResponse<String> r) {
    Map<String, Object> headers = new TreeMap<>();
    r.headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase();
              if (!VARYING.contains(lower)) {
                // the remaining-token count depends on the bucket, the header's presence does not
                headers.put(lower, lower.equals("x-ratelimit-remaining") ? "present" : values);
              }
            });
    return headers;
  }

  private static JsonNode errorWithoutRequestId(HttpResponse<String> r) throws Exception {
    ObjectNode body = (ObjectNode) JSON.readTree(r.body());
    ((ObjectNode) body.get("detail")).remove("request_id");
    return body;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
