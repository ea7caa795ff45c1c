package com.sandboxbroker.service.http;

import static com.sandboxbroker.service.testing.TestBroker.ADMIN_TOKEN;
import static com.sandboxbroker.service.testing.TestBroker.TRACK_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.service.testing.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every endpoint × {no header, malformed header, unknown token, track token, admin token}, with the
 * contract's status and body. The routes come from the served OpenAPI document, so endpoints added
 * later (the job endpoints) join the matrix by being documented; a test below checks the document
 * lists every JAX-RS route.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AuthorizationMatrixIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> MALFORMED =
      List.of(
          "Basic dHJhY2s6dG9rZW4=",
          "Bearer",
          "Bearer ",
          "Bearer a b",
          "Token " + TRACK_TOKEN,
          TRACK_TOKEN,
          "Bearer\t" + TRACK_TOKEN + "x");

  private static TestBroker broker;
  private static final Map<String, Integer> EXPECTED_OK =
      Map.ofEntries(
          Map.entry("POST /allocate", 201),
          Map.entry("GET /sandboxes/{sandboxId}", 200),
          Map.entry("POST /sandboxes/{sandboxId}/mark-for-deletion", 200),
          Map.entry("GET /admin/sandboxes", 200),
          Map.entry("GET /admin/sandboxes/{sandboxId}", 200),
          Map.entry("GET /admin/stats", 200),
          Map.entry("GET /admin/pools", 200),
          Map.entry("POST /admin/bulk-delete", 200),
          Map.entry("POST /admin/auto-delete-stale", 200),
          Map.entry("POST /admin/sandboxes/{sandboxId}/retry-deletion", 200),
          Map.entry("POST /admin/sandboxes/{sandboxId}/force-release", 200),
          Map.entry("GET /admin/tokens", 200),
          Map.entry("POST /admin/tokens", 201),
          Map.entry("DELETE /admin/tokens/{tokenId}", 200));

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    broker.seed("lab-matrix-", 20);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  record Route(String method, String template) {
    boolean admin() {
      return template.startsWith("/admin");
    }

    @Override
    public String toString() {
      return method + " " + template;
    }
  }

  static List<Route> documentedRoutes() throws Exception {
    HttpResponse<String> r = broker.get("/v1/openapi.json", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode paths = JSON.readTree(r.body()).get("paths");
    List<Route> routes = new ArrayList<>();
    for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
      String template = it.next();
      if (template.equals("/healthz") || template.equals("/readyz")) {
        continue; // root-level and public by contract
      }
      paths
          .get(template)
          .fieldNames()
          .forEachRemaining(
              m -> {
                if (List.of("get", "post", "put", "delete", "patch").contains(m)) {
                  routes.add(new Route(m.toUpperCase(), template));
                }
              });
    }
    return routes;
  }

  @Test
  void everyEndpointTimesEveryKindOfCredential() throws Exception {
    List<Route> routes = documentedRoutes();
    assertThat(routes.stream().map(Route::toString)).containsAll(EXPECTED_OK.keySet());
    int cells = 0;
    for (Route route : routes) {
      String path =
          "/v1"
              + route
                  .template()
                  .replace("{sandboxId}", "unknown-sandbox")
                  .replaceAll("\\{[^}]+}", "x");
      // no header
      assertUnauthorized(send(route.method(), path, null), route + " without a header");
      cells++;
      // malformed headers
      for (String header : MALFORMED) {
        assertUnauthorized(send(route.method(), path, header), route + " with " + header);
        cells++;
      }
      // unknown token
      assertUnauthorized(
          send(route.method(), path, "Bearer not-a-known-token"), route + " with an unknown token");
      cells++;
      // the wrong kind of token
      var wrong =
          send(route.method(), path, "Bearer " + (route.admin() ? TRACK_TOKEN : ADMIN_TOKEN));
      assertError(wrong, 403, "FORBIDDEN", route + " with the wrong kind of token");
      cells++;
      // the right kind, on a realistic request
      var right = rightRequest(route);
      Integer expected = EXPECTED_OK.get(route.toString());
      if (expected != null) {
        assertThat(right.statusCode()).as(route + " " + right.body()).isEqualTo(expected);
      } else {
        assertThat(right.statusCode())
            .as(route + " " + right.body())
            .isNotIn(401, 403)
            .isLessThan(500);
      }
      assertThat(right.headers().firstValue("X-RateLimit-Limit")).as(route.toString()).isPresent();
      cells++;
    }
    assertThat(cells).isGreaterThanOrEqualTo(EXPECTED_OK.size() * 11);
  }

  /** The right token with what the route needs to succeed. */
  private HttpResponse<String> rightRequest(Route route) {
    String identity = "matrix-" + route.template().hashCode();
    switch (route.toString()) {
      case "POST /allocate":
        return broker.allocate(identity);
      case "GET /sandboxes/{sandboxId}":
      case "POST /sandboxes/{sandboxId}/mark-for-deletion":
        {
          String id = sandboxIdOf(broker.allocate(identity));
          return broker.send(
              broker
                  .request("/v1" + route.template().replace("{sandboxId}", id), TRACK_TOKEN)
                  .header("X-Instruqt-Sandbox-ID", identity)
                  .method(route.method(), HttpRequest.BodyPublishers.noBody())
                  .build());
        }
      case "POST /admin/tokens":
        return issueToken();
      case "DELETE /admin/tokens/{tokenId}":
        {
          String tokenId;
          try {
            tokenId = JSON.readTree(issueToken().body()).get("token_id").asText();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return broker.call("DELETE", "/v1/admin/tokens/" + tokenId, ADMIN_TOKEN);
        }
      case "POST /admin/bulk-delete":
        return broker.post("/v1/admin/bulk-delete?status=stale", ADMIN_TOKEN);
      case "POST /admin/sandboxes/{sandboxId}/retry-deletion":
        {
          insert("matrix-failed", SandboxStatus.DELETION_FAILED);
          return broker.post("/v1/admin/sandboxes/matrix-failed/retry-deletion", ADMIN_TOKEN);
        }
      case "GET /admin/sandboxes/{sandboxId}":
      case "POST /admin/sandboxes/{sandboxId}/force-release":
        {
          String id = sandboxIdOf(broker.allocate(identity));
          return broker.call(
              route.method(), "/v1" + route.template().replace("{sandboxId}", id), ADMIN_TOKEN);
        }
      default:
        return broker.call(
            route.method(),
            "/v1" + route.template().replaceAll("\\{[^}]+}", "x"),
            route.admin() ? ADMIN_TOKEN : TRACK_TOKEN);
    }
  }

  private static HttpResponse<String> issueToken() {
    return broker.send(
        broker
            .request("/v1/admin/tokens", ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"matrix\"}"))
            .build());
  }

  private static void insert(String id, SandboxStatus status) {
    broker
        .store()
        .insertSandbox(
            Sandbox.builder(id)
                .name("lab-matrix-" + id)
                .externalId("identity/accounts/" + id)
                .status(status)
                .deletionAttempts(5)
                .createdAt(1)
                .lastSeenAt(1)
                .version(1)
                .build());
  }

  private static String sandboxIdOf(HttpResponse<String> r) {
    try {
      assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
      return JSON.readTree(r.body()).get("sandbox_id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> send(String method, String path, String authorization) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(broker.uri(path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    // identity headers present, so only the credential decides
    b.header("X-Instruqt-Sandbox-ID", "matrix-learner");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return broker.send(b.build());
  }

  private static void assertUnauthorized(HttpResponse<String> r, String what) throws Exception {
    assertError(r, 401, "UNAUTHORIZED", what);
    assertThat(r.headers().firstValue("WWW-Authenticate")).as(what).hasValue("Bearer");
  }

  private static void assertError(HttpResponse<String> r, int status, String code, String what)
      throws Exception {
    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(status);
    JsonNode detail = JSON.readTree(r.body()).get("detail");
    assertThat(detail.get("code").asText()).as(what).isEqualTo(code);
    assertThat(detail.get("message").asText()).as(what).isNotBlank();
    assertThat(detail.get("request_id").asText())
        .as(what)
        .isEqualTo(r.headers().firstValue("X-Request-ID").orElseThrow());
    assertThat(r.body()).as(what).doesNotContain(TRACK_TOKEN).doesNotContain(ADMIN_TOKEN);
    assertThat(r.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
  }
}
