package com.sandboxbroker.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CORS is off by default and, when origins are configured, exactly the contract's lists. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CorsIT {
  private static final String ORIGIN = "https://dashboard.example";

  @Test
  void offUnlessConfiguredThenTheContractsLists() {
    try (TestBroker off = TestBroker.start()) {
      HttpResponse<String> r =
          off.send(
              off.request("/v1/admin/stats", TestBroker.ADMIN_TOKEN)
                  .header("Origin", ORIGIN)
                  .GET()
                  .build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
    try (TestBroker on = TestBroker.start(ConfigOverride.config("corsAllowedOrigins", ORIGIN))) {
      HttpResponse<String> preflight =
          on.send(
              HttpRequest.newBuilder(on.uri("/v1/allocate"))
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", ORIGIN)
                  .header("Access-Control-Request-Method", "POST")
                  .header("Access-Control-Request-Headers", "authorization,x-instruqt-sandbox-id")
                  .build());
      assertThat(preflight.statusCode()).isEqualTo(204);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
          .hasValue("GET, POST");
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
          .contains(
              "Authorization",
              "Content-Type",
              "X-Track-ID",
              "X-Instruqt-Sandbox-ID",
              "X-Instruqt-Track-ID",
              "X-Sandbox-Name-Prefix",
              "Idempotency-Key",
              "X-Request-ID");

      HttpResponse<String> actual =
          on.send(
              on.request("/v1/admin/stats", TestBroker.ADMIN_TOKEN)
                  .header("Origin", ORIGIN)
                  .GET()
                  .build());
      assertThat(actual.statusCode()).isEqualTo(200);
      assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
      assertThat(actual.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
          .contains("X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "Retry-After");

      HttpResponse<String> stranger =
          on.send(
              on.request("/v1/admin/stats", TestBroker.ADMIN_TOKEN)
                  .header("Origin", "https://evil.example")
                  .GET()
                  .build());
      assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void aLargeBodyIsRefusedWith413InTheContractShape() {
    try (TestBroker broker = TestBroker.start()) {
      HttpResponse<String> r =
          broker.send(
              broker
                  .request("/v1/allocate", TestBroker.TRACK_TOKEN)
                  .header("X-Instruqt-Sandbox-ID", "big")
                  .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                  .build());
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(r.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
      assertThat(r.headers().firstValue("X-Request-ID")).isPresent();
      // a small stray body is fine (POSTs take none, but a hook may send "{}")
      broker.seed("lab-body-", 1);
      HttpResponse<String> ok =
          broker.send(
              broker
                  .request("/v1/allocate", TestBroker.TRACK_TOKEN)
                  .header("X-Instruqt-Sandbox-ID", "small")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build());
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    }
  }
}
