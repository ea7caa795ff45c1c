package com.sandboxbroker.service.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rate limits of contract §1 over HTTP against the real app. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RateLimitIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HttpResponse<String> ownerView(TestBroker broker, String identity) {
    return broker.send(
        broker
            .request("/v1/sandboxes/no-such-sandbox", TestBroker.TRACK_TOKEN)
            .header("X-Instruqt-Sandbox-ID", identity)
            .GET()
            .build());
  }

  @Test
  void a429AfterTheBurstForOneIdentityNotForAnotherAndNeverOnHealthOrDocs() throws Exception {
    try (TestBroker broker =
        TestBroker.start(
            ConfigOverride.config("rateLimit.burst", "5"),
            ConfigOverride.config("rateLimit.refillPerSecond", "1"),
            ConfigOverride.config("rateLimit.tokenBurst", "30"),
            ConfigOverride.config("rateLimit.tokenRefillPerSecond", "1"))) {
      // burst 5, refilled at 1/s: the limit shows within the burst plus what refilled meanwhile
      long started = System.nanoTime();
      HttpResponse<String> limited = null;
      int passed = 0;
      for (int i = 0; i < 30 && limited == null; i++) {
        HttpResponse<String> r = ownerView(broker, "greedy");
        if (r.statusCode() == 429) {
          limited = r;
        } else {
          passed++;
          assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
          assertThat(r.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
          assertThat(r.headers().firstValue("X-RateLimit-Remaining")).isPresent();
        }
      }
      long elapsedSeconds = (System.nanoTime() - started) / 1_000_000_000L;
      assertThat(limited).as("no 429 after the burst").isNotNull();
      assertThat(passed).isBetween(5, 5 + (int) elapsedSeconds + 1);
      JsonNode detail = JSON.readTree(limited.body()).get("detail");
      assertThat(detail.get("code").asText()).isEqualTo("RATE_LIMIT_EXCEEDED");
      assertThat(detail.get("retry_after").asInt()).isPositive();
      assertThat(detail.get("request_id").asText())
          .isEqualTo(limited.headers().firstValue("X-Request-ID").orElseThrow());
      assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()))
          .isPositive();

      // another identity on the same token is not affected
      assertThat(ownerView(broker, "patient").statusCode()).isEqualTo(404);

      // health and docs are never limited
      for (int i = 0; i < 60; i++) {
        assertThat(broker.get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(broker.get("/readyz", null).statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 20; i++) {
        assertThat(broker.get("/v1/openapi.json", null).statusCode()).isEqualTo(200);
        assertThat(broker.get("/v1/docs", null).statusCode()).isEqualTo(200);
      }

      // the per-token ceiling holds back a caller inventing identities
      int ceilingHits = 0;
      for (int i = 0; i < 40; i++) {
        if (ownerView(broker, "invented-" + i).statusCode() == 429) {
          ceilingHits++;
        }
      }
      assertThat(ceilingHits).isPositive();
      // ...without touching another token
      assertThat(broker.get("/v1/admin/stats", TestBroker.ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void twoHundredLearnersStartingAtOnceSeeNo429UnderDefaultLimits() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      broker.seed("lab-class-", 200);
      ExecutorService pool = Executors.newFixedThreadPool(200);
      CountDownLatch gate = new CountDownLatch(1);
      try {
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          String identity = "class-" + i;
          futures.add(
              pool.submit(
                  () -> {
                    gate.await();
                    return broker.allocate(identity);
                  }));
        }
        gate.countDown();
        int created = 0;
        for (Future<HttpResponse<String>> f : futures) {
          HttpResponse<String> r = f.get();
          assertThat(r.statusCode()).as(r.body()).isNotEqualTo(429);
          if (r.statusCode() == 201) {
            created++;
            assertThat(r.headers().firstValue("X-RateLimit-Limit")).hasValue("200");
          }
        }
        // DynamoDB Local on a shared 2-core machine may time out a few claims (500, not 429);
        // the limiter itself must refuse none
        System.out.printf(
            "200 learners at once: %d created, %d other (none 429)%n", created, 200 - created);
        assertThat(created).isPositive();
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
