package com.sandboxbroker.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Prometheus metrics on the admin connector carry the contract's names; health checks there too.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theAdminPortServesTheContractsMetricNames() throws Exception {
    try (TestBroker broker =
        TestBroker.start(ConfigOverride.config("poolGaugeRefreshSeconds", "1"))) {
      // Jetty's per-request timers on lock-free reservoirs (LockFreeMetricRegistry says why)
      assertThat(broker.metrics()).isInstanceOf(LockFreeMetricRegistry.class);
      broker.seed("lab-metrics-", 3);
      String id = JSON.readTree(broker.allocate("m-1").body()).get("sandbox_id").asText();
      assertThat(broker.allocate("m-1").statusCode()).isEqualTo(200); // idempotent replay
      broker.allocate("m-2");
      broker.allocate("m-3");
      assertThat(broker.allocate("m-4").statusCode()).isEqualTo(409); // pool empty
      var mark =
          broker.send(
              broker
                  .request("/v1/sandboxes/" + id + "/mark-for-deletion", TestBroker.TRACK_TOKEN)
                  .header("X-Instruqt-Sandbox-ID", "m-1")
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(mark.statusCode()).isEqualTo(200);

      // Counters are bumped as answers are written and the pool gauges on the refresher's next
      // tick: scrape until one scrape shows every expected line (or the deadline), then assert.
      List<String> expected =
          List.of(
              "broker_allocate_total{outcome=\"success\"} 3.0",
              "broker_allocate_total{outcome=\"idempotent\"} 1.0",
              "broker_allocate_total{outcome=\"no_sandboxes\"} 1.0",
              "broker_allocate_total{outcome=\"error\"} 0.0",
              "broker_allocate_conflicts_total",
              "broker_allocation_latency_seconds_bucket{le=\"0.005\"}",
              "broker_allocation_latency_seconds_count 5",
              "broker_deletion_marked_total{outcome=\"success\"} 1.0",
              "broker_pool_available{pool=\"lab-metrics\"} 0.0",
              "broker_pool_allocated{pool=\"lab-metrics\"} 2.0",
              "broker_pool_pending_deletion{pool=\"lab-metrics\"} 1.0",
              "broker_pool_stale{pool=\"lab-metrics\"} 0.0",
              "broker_pool_deletion_failed{pool=\"lab-metrics\"} 0.0",
              "broker_pool_total 3.0",
              "broker_pool_low_water{pool=\"lab-metrics\"} 0.0",
              "jvm_memory_used_bytes",
              "jvm_threads_",
              "broker_allocate_served_before_jersey_total 5.0",
              "io_dropwizard_jetty_MutableServletContextHandler_requests",
              "org_eclipse_jetty_util_thread_QueuedThreadPool_dw_");
      String text = "";
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline) {
        HttpResponse<String> scrape = broker.adminGet("/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        text = scrape.body();
        if (expected.stream().allMatch(text::contains)) {
          break;
        }
        Thread.sleep(250);
      }
      assertThat(text).contains(expected);

      // never on the application port (it goes through the load balancer)
      HttpResponse<String> app = broker.get("/metrics", null);
      assertThat(app.statusCode()).isEqualTo(404);
      assertThat(app.body()).contains("NOT_FOUND");

      // Dropwizard health checks on the admin port: DynamoDB reachable, no exception text
      HttpResponse<String> health = broker.adminGet("/healthcheck");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(health.body()).get("dynamodb").get("healthy").asBoolean()).isTrue();
      for (String leak : List.of("Exception", "at software.", "127.0.0.1")) {
        assertThat(health.body()).doesNotContain(leak);
      }
    }
  }
}
