package com.sandboxbroker.service.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.testing.TestBroker;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract §1–§2 over HTTP against the real app: every status, body and header a deployed hook
 * depends on, and every error path in the contract's single error shape.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TrackApiContractIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    broker.seed("lab-general-", 30);
    broker.seed("lab-adventure-", 3);
    broker.seed("lab-dns-", 3);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static HttpResponse<String> post(String path, String token, String... headers) {
    HttpRequest.Builder b = broker.request(path, token).POST(BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return broker.send(b.build());
  }

  private static HttpResponse<String> get(String path, String token, String... headers) {
    HttpRequest.Builder b = broker.request(path, token).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
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

  /** Asserts the contract's error shape, status and code; returns the detail node. */
  private static JsonNode error(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode detail = json(r).get("detail");
    assertThat(detail.get("code").asText()).isEqualTo(code);
    assertThat(detail.get("message").asText()).isNotBlank();
    assertThat(detail.get("request_id").asText())
        .isEqualTo(r.headers().firstValue("X-Request-ID").orElseThrow());
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    return detail;
  }

  @Test
  void allocateThenReplayWithTheSameBody() {
    HttpResponse<String> first =
        post("/v1/allocate", TestBroker.TRACK_TOKEN, "X-Instruqt-Sandbox-ID", "contract-1");
    assertThat(first.statusCode()).isEqualTo(201);
    JsonNode body = json(first);
    assertThat(body.fieldNames())
        .toIterable()
        .containsExactly(
            "sandbox_id", "name", "external_id", "allocated_at", "expires_at", "sfdc_account_id");
    assertThat(body.get("sfdc_account_id").isTextual()).isTrue();
    assertThat(body.get("sfdc_account_id").asText()).isEmpty();
    assertThat(body.get("external_id").asText()).startsWith("identity/accounts/");
    assertThat(body.get("expires_at").asLong() - body.get("allocated_at").asLong())
        .isEqualTo(48 * 3600);

    // a hook that sends Content-Type: application/json with its empty body, and the legacy header
    HttpResponse<String> replay =
        post(
            "/v1/allocate",
            TestBroker.TRACK_TOKEN,
            "X-Track-ID",
            "contract-1",
            "Content-Type",
            "application/json");
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.body()).isEqualTo(first.body());
  }

  @Test
  void identityHeaderRules() {
    HttpResponse<String> blankPrimary =
        post(
            "/v1/allocate",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "   ",
            "X-Track-ID",
            "  legacy-7  ");
    assertThat(blankPrimary.statusCode()).isEqualTo(201);
    String id = json(blankPrimary).get("sandbox_id").asText();
    assertThat(
            json(get(
                    "/v1/sandboxes/" + id,
                    TestBroker.TRACK_TOKEN,
                    "X-Instruqt-Sandbox-ID",
                    "legacy-7"))
                .get("allocated_to_track")
                .asText())
        .isEqualTo("legacy-7");

    JsonNode missing =
        error(post("/v1/allocate", TestBroker.TRACK_TOKEN), 400, "MISSING_SANDBOX_ID");
    assertThat(missing.get("message").asText())
        .contains("X-Instruqt-Sandbox-ID")
        .contains("X-Track-ID");
    error(
        post("/v1/allocate", TestBroker.TRACK_TOKEN, "X-Instruqt-Sandbox-ID", "x".repeat(257)),
        400,
        "INVALID_SANDBOX_ID");
    error(
        post("/v1/allocate", TestBroker.TRACK_TOKEN, "X-Instruqt-Sandbox-ID", "a\tb"),
        400,
        "INVALID_SANDBOX_ID");
    assertThat(
            post("/v1/allocate", TestBroker.TRACK_TOKEN, "X-Instruqt-Sandbox-ID", "y".repeat(256))
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  void authenticationComesFirstAndUsesTheContractShape() {
    for (HttpResponse<String> r :
        List.of(
            post("/v1/allocate", null),
            broker.send(
                broker
                    .request("/v1/allocate", null)
                    .header("Authorization", "Basic abc")
                    .POST(BodyPublishers.noBody())
                    .build()),
            broker.send(
                broker
                    .request("/v1/allocate", null)
                    .header("Authorization", "Bearer")
                    .POST(BodyPublishers.noBody())
                    .build()),
            get("/v1/no-such-route", null),
            get("/v1/allocate", null))) {
      error(r, 401, "UNAUTHORIZED");
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }
    HttpResponse<String> unknown =
        post("/v1/allocate", "not-a-token", "X-Instruqt-Sandbox-ID", "u1");
    error(unknown, 401, "UNAUTHORIZED");
    assertThat(unknown.body()).doesNotContain("not-a-token");

    error(
        post("/v1/allocate", TestBroker.ADMIN_TOKEN, "X-Instruqt-Sandbox-ID", "u1"),
        403,
        "FORBIDDEN");
    // authenticated, then validated: a bad identity with a bad token is still a 401
    error(
        post("/v1/allocate", "nope", "X-Instruqt-Sandbox-ID", "x".repeat(300)),
        401,
        "UNAUTHORIZED");
  }

  @Test
  void unknownRoutesWrongMethodsAndHeaders() {
    error(get("/v1/no-such-route", TestBroker.TRACK_TOKEN), 404, "NOT_FOUND");
    error(get("/nothing-here", null), 404, "NOT_FOUND");
    error(get("/v1/allocate", TestBroker.TRACK_TOKEN), 405, "METHOD_NOT_ALLOWED");
    error(
        post("/v1/sandboxes/abc", TestBroker.TRACK_TOKEN, "X-Instruqt-Sandbox-ID", "a"),
        405,
        "METHOD_NOT_ALLOWED");
    error(get("/v1/sandboxes//mark-for-deletion", TestBroker.TRACK_TOKEN), 400, "BAD_REQUEST");

    HttpResponse<String> r = get("/healthz", null, "X-Request-ID", "trace.abc-123_X");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Request-ID")).hasValue("trace.abc-123_X");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(r.headers().firstValue("Strict-Transport-Security"))
        .hasValue("max-age=31536000; includeSubDomains");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'");

    HttpResponse<String> replaced =
        post("/v1/allocate", null, "X-Request-ID", "bad id with spaces");
    assertThat(replaced.headers().firstValue("X-Request-ID").orElseThrow())
        .matches("[0-9a-f-]{36}");
    assertThat(replaced.headers().firstValue("X-Frame-Options")).hasValue("DENY");
  }

  @Test
  void identityCapAndIdempotencyKeys() {
    HttpResponse<String> first =
        post(
            "/v1/allocate",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "capped",
            "Idempotency-Key",
            "k-1");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(
            post(
                    "/v1/allocate",
                    TestBroker.TRACK_TOKEN,
                    "X-Instruqt-Sandbox-ID",
                    "capped",
                    "Idempotency-Key",
                    "k-1")
                .body())
        .isEqualTo(first.body());
    error(
        post(
            "/v1/allocate",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "capped",
            "Idempotency-Key",
            "k-2"),
        409,
        "IDENTITY_LIMIT_REACHED");
    error(
        post("/v1/allocate", TestBroker.TRACK_TOKEN, "X-Instruqt-Sandbox-ID", "capped"),
        409,
        "IDENTITY_LIMIT_REACHED");
    error(
        post(
            "/v1/allocate",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "capped2",
            "Idempotency-Key",
            "k".repeat(300)),
        400,
        "INVALID_IDEMPOTENCY_KEY");
  }

  @Test
  void prefixBoundTokens() {
    // sha256-configured token, bound to lab-adventure- and the lab "adventure"
    HttpResponse<String> bound =
        post("/v1/allocate", TestBroker.ADVENTURE_TOKEN, "X-Instruqt-Sandbox-ID", "adv-1");
    assertThat(bound.statusCode()).as(bound.body()).isEqualTo(201);
    String id = json(bound).get("sandbox_id").asText();
    assertThat(json(bound).get("name").asText()).startsWith("lab-adventure-");
    assertThat(
            json(get(
                    "/v1/sandboxes/" + id,
                    TestBroker.ADVENTURE_TOKEN,
                    "X-Instruqt-Sandbox-ID",
                    "adv-1"))
                .get("track_name")
                .asText())
        .isEqualTo("adventure");

    error(
        post(
            "/v1/allocate",
            TestBroker.ADVENTURE_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "adv-2",
            "X-Sandbox-Name-Prefix",
            "lab-general-"),
        403,
        "PREFIX_NOT_ALLOWED");
    // the token's lab wins over another X-Instruqt-Track-ID: never a 403 the deployed hook retries
    HttpResponse<String> otherLab =
        post(
            "/v1/allocate",
            TestBroker.ADVENTURE_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "adv-2",
            "X-Instruqt-Track-ID",
            "someone-elses-lab");
    assertThat(otherLab.statusCode()).as(otherLab.body()).isEqualTo(201);
    assertThat(
            json(get(
                    "/v1/sandboxes/" + json(otherLab).get("sandbox_id").asText(),
                    TestBroker.ADVENTURE_TOKEN,
                    "X-Instruqt-Sandbox-ID",
                    "adv-2"))
                .get("track_name")
                .asText())
        .isEqualTo("adventure");

    HttpResponse<String> multi =
        post("/v1/allocate", TestBroker.MULTI_TOKEN, "X-Instruqt-Sandbox-ID", "multi-1");
    assertThat(json(multi).get("name").asText()).startsWith("lab-dns-");
    JsonNode noMatch =
        error(
            post(
                "/v1/allocate",
                TestBroker.MULTI_TOKEN,
                "X-Instruqt-Sandbox-ID",
                "multi-2",
                "X-Sandbox-Name-Prefix",
                "lab-ddi-"),
            409,
            "NO_SANDBOXES_AVAILABLE");
    assertThat(noMatch.get("reason").asText()).isEqualTo("no_prefix_match");
    assertThat(noMatch.get("retry_after").asInt()).isEqualTo(30);

    HttpResponse<String> narrowed =
        post(
            "/v1/allocate",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "pre-1",
            "X-Sandbox-Name-Prefix",
            "lab-dns-",
            "X-Instruqt-Track-ID",
            "dns-lab");
    assertThat(json(narrowed).get("name").asText()).startsWith("lab-dns-");
  }

  @Test
  void ownerViewAndMarkForDeletion() {
    String id =
        json(post("/v1/allocate", TestBroker.TRACK_TOKEN, "X-Instruqt-Sandbox-ID", "owner-1"))
            .get("sandbox_id")
            .asText();

    JsonNode view =
        json(
            get("/v1/sandboxes/" + id, TestBroker.TRACK_TOKEN, "X-Instruqt-Sandbox-ID", "owner-1"));
    assertThat(view.fieldNames())
        .toIterable()
        .containsExactly(
            "sandbox_id",
            "name",
            "external_id",
            "status",
            "allocated_to_track",
            "allocated_at",
            "expires_at",
            "track_name",
            "sfdc_account_id");
    assertThat(view.get("status").asText()).isEqualTo("allocated");
    assertThat(view.get("track_name").isTextual()).isTrue();

    HttpResponse<String> foreign =
        get("/v1/sandboxes/" + id, TestBroker.TRACK_TOKEN, "X-Instruqt-Sandbox-ID", "intruder");
    error(foreign, 403, "NOT_SANDBOX_OWNER");
    assertThat(foreign.body()).doesNotContain("owner-1");
    error(
        get(
            "/v1/sandboxes/does-not-exist",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "owner-1"),
        404,
        "SANDBOX_NOT_FOUND");
    error(
        post(
            "/v1/sandboxes/" + id + "/mark-for-deletion",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "intruder"),
        403,
        "NOT_SANDBOX_OWNER");
    error(
        post(
            "/v1/sandboxes/does-not-exist/mark-for-deletion",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "owner-1"),
        404,
        "SANDBOX_NOT_FOUND");
    error(
        post("/v1/sandboxes/" + id + "/mark-for-deletion", TestBroker.TRACK_TOKEN),
        400,
        "MISSING_SANDBOX_ID");

    HttpResponse<String> marked =
        post(
            "/v1/sandboxes/" + id + "/mark-for-deletion",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "owner-1",
            "Content-Type",
            "application/json");
    assertThat(marked.statusCode()).isEqualTo(200);
    assertThat(json(marked).get("status").asText()).isEqualTo("pending_deletion");
    assertThat(json(marked).fieldNames())
        .toIterable()
        .containsExactly("sandbox_id", "status", "deletion_requested_at");
    HttpResponse<String> again =
        post(
            "/v1/sandboxes/" + id + "/mark-for-deletion",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "owner-1");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(marked.body());
    assertThat(
            json(get(
                    "/v1/sandboxes/" + id,
                    TestBroker.TRACK_TOKEN,
                    "X-Instruqt-Sandbox-ID",
                    "owner-1"))
                .get("status")
                .asText())
        .isEqualTo("pending_deletion");
    // an available sandbox belongs to nobody: not yours
    error(
        post(
            "/v1/sandboxes/" + broker.seed("lab-free-", 1).get(0) + "/mark-for-deletion",
            TestBroker.TRACK_TOKEN,
            "X-Instruqt-Sandbox-ID",
            "owner-1"),
        403,
        "NOT_SANDBOX_OWNER");
  }
}
