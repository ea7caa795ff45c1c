package com.sandboxbroker.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.pool.PoolCountRefresher;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.InMemoryJobStore;
import com.sandboxbroker.core.store.InMemoryPoolStore;
import com.sandboxbroker.core.store.InMemorySandboxStore;
import com.sandboxbroker.core.testing.EmfSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CloudWatch EMF lines the alarms of the CDK app read (namespace, names, units, dimensions).
 */
class EmfMetricsReporterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  /**
   * A reporter over real pool counts: the pool refresher of issue 12 counting an in-memory store,
   * so the per-pool lines carry exactly what the refresher publishes.
   */
  private EmfMetricsReporter reporter(List<Sandbox> sandboxes) {
    InMemorySandboxStore store = new InMemorySandboxStore();
    sandboxes.forEach(store::insertSandbox);
    PoolCounts pool = poolCounts(store, Clock.fixed(now, ZoneOffset.UTC));
    pool.refresh();
    return new EmfMetricsReporter(
        "staging",
        pool,
        Duration.ofSeconds(60),
        Clock.fixed(now, ZoneOffset.UTC),
        new PrintStream(buffer, true, StandardCharsets.UTF_8));
  }

  static PoolCounts poolCounts(InMemorySandboxStore store, Clock clock) {
    return new PoolCounts(
        new PoolCountRefresher(
            new InMemoryPoolStore(store, PoolAssignment.derivedOnly()),
            new InMemoryJobStore(),
            clock,
            "test",
            Duration.ofSeconds(30),
            Duration.ofHours(6)),
        Duration.ofSeconds(30),
        new MetricRegistry());
  }

  private static Sandbox available(String name) {
    return Sandbox.available(
        new UpstreamSandbox("id-" + name, name, "identity/accounts/" + name, ""), 1);
  }

  private static Sandbox deletionFailed(String name) {
    Sandbox s = available(name);
    return s.toBuilder()
        .status(SandboxStatus.DELETION_FAILED)
        .deletionRequestedAt(1)
        .deletionAttempts(3)
        .lastError("upstream 500")
        .build();
  }

  private static List<Sandbox> lab(int n) {
    List<Sandbox> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(available("lab-" + i));
    }
    return out;
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : buffer.toString(StandardCharsets.UTF_8).trim().split("\n")) {
      assertThat(EmfSpec.violations(line)).as(line).isEmpty();
      events.add(JSON.readTree(line));
    }
    return events;
  }

  @Test
  void writesStageDimensionedPoolGaugesAndTheLatenciesOfTheInterval() throws Exception {
    EmfMetricsReporter emf = reporter(lab(7));
    emf.allocationLatency(0.0123);
    emf.allocationLatency(0.0124);
    emf.allocationLatency(1.2345);
    emf.claimLost();
    emf.claimLost();
    emf.flush();
    emf.flush(); // nothing new: only the gauges again

    List<JsonNode> events = lines();
    // service-wide gauges, pool "lab", latencies; then the gauges alone (service-wide, "lab")
    assertThat(events).hasSize(5);
    assertThat(events.get(1).get("Pool").asText()).isEqualTo("lab");
    assertThat(events.get(1).get("PoolAvailable").asDouble()).isEqualTo(7);
    JsonNode gauges = events.get(0);
    JsonNode directive = gauges.at("/_aws/CloudWatchMetrics/0");
    assertThat(gauges.at("/_aws/Timestamp").asLong()).isEqualTo(now.toEpochMilli());
    assertThat(directive.get("Namespace").asText()).isEqualTo("SandboxBroker");
    assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Stage\"]]");
    assertThat(gauges.get("Stage").asText()).isEqualTo("staging");
    assertThat(directive.get("Metrics").findValuesAsText("Name"))
        .containsExactlyInAnyOrder("AllocationConflicts", "PoolAvailable", "PoolDeletionFailed");
    assertThat(gauges.get("AllocationConflicts").asDouble()).isEqualTo(2);
    assertThat(directive.get("Metrics").findValuesAsText("Unit")).containsOnly("Count");
    assertThat(gauges.get("PoolAvailable").asDouble()).isEqualTo(7);
    assertThat(gauges.get("PoolDeletionFailed").asDouble()).isZero();

    JsonNode latency = events.get(2);
    assertThat(latency.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText())
        .isEqualTo("AllocationLatency");
    assertThat(latency.at("/_aws/CloudWatchMetrics/0/Metrics/0/Unit").asText())
        .isEqualTo("Milliseconds");
    assertThat(latency.at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
        .isEqualTo("[[\"Stage\"]]");
    List<Double> values = new ArrayList<>();
    latency.get("AllocationLatency").forEach(v -> values.add(v.asDouble()));
    assertThat(values).containsExactly(12.3, 12.4, 1234.5);
    assertThat(events.get(3).has("AllocationLatency")).isFalse();
    assertThat(events.get(3).has("PoolAvailable")).isTrue();
    assertThat(events.get(3).get("AllocationConflicts").asDouble()).isZero(); // per interval, reset
  }

  @Test
  void eachPoolGetsItsOwnPoolDimensionedGauges() throws Exception {
    List<Sandbox> sandboxes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sandboxes.add(available("adventure-" + i));
    }
    sandboxes.add(deletionFailed("adventure-9"));
    for (int i = 0; i < 4; i++) {
      sandboxes.add(available("default-" + i));
    }
    EmfMetricsReporter emf = reporter(sandboxes);
    emf.flush();

    List<JsonNode> perPool = lines().stream().filter(e -> e.has("Pool")).toList();
    assertThat(perPool).hasSize(2);
    for (JsonNode e : perPool) {
      assertThat(e.at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
          .isEqualTo("[[\"Stage\",\"Pool\"]]");
      assertThat(e.get("Stage").asText()).isEqualTo("staging");
      long available = e.get("Pool").asText().equals("adventure") ? 3 : 4;
      long failed = e.get("Pool").asText().equals("adventure") ? 1 : 0;
      assertThat(e.get("PoolAvailable").asDouble()).isEqualTo(available);
      assertThat(e.get("PoolDeletionFailed").asDouble()).isEqualTo(failed);
    }
  }

  @Test
  void concurrentLatenciesAreAllPublished() throws Exception {
    EmfMetricsReporter emf = reporter(lab(7));
    int threads = 8;
    int each = 500;
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  emf.allocationLatency(0.001 * (i + 1));
                }
              });
      workers[t].start();
    }
    for (int t = 0; t < threads; t++) {
      emf.flush(); // flushes race the writers: nothing may be lost or published twice
    }
    for (Thread w : workers) {
      w.join();
    }
    emf.flush();
    long published = 0;
    for (JsonNode e : lines()) {
      JsonNode v = e.path("AllocationLatency");
      published += v.isArray() ? v.size() : v.isNumber() ? 1 : 0;
    }
    assertThat(published).isEqualTo((long) threads * each);
  }
}
