package com.sandboxbroker.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.InMemorySandboxStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The CloudWatch EMF lines the alarms of the CDK app read (namespace, names, units, values). */
class EmfMetricsReporterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void writesPoolGaugesAndTheLatencyHistogramOfTheInterval() throws Exception {
    InMemorySandboxStore store = new InMemorySandboxStore();
    for (int i = 0; i < 7; i++) {
      store.insertSandbox(Sandbox.available(new UpstreamSandbox("s" + i, "lab-" + i, "identity/accounts/u" + i, ""), 1));
    }
    store.insertSandbox(Sandbox.available(new UpstreamSandbox("d1", "dns-0001", "identity/accounts/d1", ""), 1));
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_795_400_000_000L), ZoneOffset.UTC);
    PoolCounts pool =
        new PoolCounts(
            new com.sandboxbroker.core.pool.PoolCountRefresher(
                new com.sandboxbroker.core.store.InMemoryPoolStore(store, com.sandboxbroker.core.pool.PoolAssignment.derivedOnly()),
                new com.sandboxbroker.core.store.InMemoryJobStore(), clock, "test", Duration.ofSeconds(30), Duration.ofHours(6)),
            Duration.ofSeconds(30), new MetricRegistry());
    pool.refresh();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    EmfMetricsReporter emf =
        new EmfMetricsReporter(
            pool, Duration.ofSeconds(60), clock, new PrintStream(buffer, true, StandardCharsets.UTF_8), "prod");

    emf.allocationLatency(0.0123); // 12 ms
    emf.allocationLatency(0.0124); // 12 ms
    emf.allocationLatency(1.2345); // 1,200 ms (two significant digits)
    emf.flush();
    emf.flush(); // nothing new: only the gauges again

    String[] lines = buffer.toString(StandardCharsets.UTF_8).trim().split("\n");
    assertThat(lines).hasSize(7); // totals, 2 pools, latency; totals and 2 pools again
    JsonNode gauges = JSON.readTree(lines[0]);
    JsonNode directive = gauges.at("/_aws/CloudWatchMetrics/0");
    assertThat(gauges.at("/_aws/Timestamp").asLong()).isEqualTo(1_795_400_000_000L);
    assertThat(directive.get("Namespace").asText()).isEqualTo("SandboxBroker");
    assertThat(directive.get("Dimensions").get(0).size()).isZero();
    assertThat(directive.get("Metrics").findValuesAsText("Name")).containsExactly("PoolAvailable", "PoolDeletionFailed");
    assertThat(gauges.get("PoolAvailable").asLong()).isEqualTo(8);
    assertThat(gauges.get("PoolDeletionFailed").asLong()).isZero();

    // per pool: dimensions Stage and Pool (contract §9), one line per pool
    JsonNode dns = JSON.readTree(lines[1]);
    JsonNode lab = JSON.readTree(lines[2]);
    assertThat(dns.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString()).isEqualTo("[\"Stage\",\"Pool\"]");
    assertThat(dns.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("SandboxBroker");
    assertThat(dns.get("Stage").asText()).isEqualTo("prod");
    assertThat(dns.get("Pool").asText()).isEqualTo("dns");
    assertThat(dns.get("PoolAvailable").asLong()).isEqualTo(1);
    assertThat(lab.get("Pool").asText()).isEqualTo("lab");
    assertThat(lab.get("PoolAvailable").asLong()).isEqualTo(7);

    JsonNode latency = JSON.readTree(lines[3]);
    assertThat(latency.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText()).isEqualTo("AllocationLatency");
    assertThat(latency.at("/_aws/CloudWatchMetrics/0/Metrics/0/Unit").asText()).isEqualTo("Milliseconds");
    assertThat(latency.at("/AllocationLatency/Values").toString()).isEqualTo("[12,1200]");
    assertThat(latency.at("/AllocationLatency/Counts").toString()).isEqualTo("[2,1]");
    assertThat(JSON.readTree(lines[4]).has("AllocationLatency")).isFalse();
    assertThat(JSON.readTree(lines[6]).get("Pool").asText()).isEqualTo("lab");
  }

  @Test
  void roundsToTwoSignificantDigits() {
    assertThat(EmfMetricsReporter.twoSignificantDigits(7)).isEqualTo(7);
    assertThat(EmfMetricsReporter.twoSignificantDigits(99)).isEqualTo(99);
    assertThat(EmfMetricsReporter.twoSignificantDigits(123)).isEqualTo(120);
    assertThat(EmfMetricsReporter.twoSignificantDigits(98_765)).isEqualTo(98_000);
  }
}
