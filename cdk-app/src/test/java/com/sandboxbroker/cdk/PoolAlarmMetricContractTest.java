package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.MetricContract;
import com.sandboxbroker.core.metrics.EmfStream;
import com.sandboxbroker.core.pool.PoolDefinition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * Issues #12 and #16 together: the pool alarms of the synthesized template read exactly the metric
 * the service's EMF lines carry. The lines are written here the way {@code EmfMetricsReporter}
 * writes them (the same {@link EmfStream} and contract names; {@code EmfMetricsReporterTest} pins
 * the reporter to that shape: one line per pool with dimensions {@code [[Stage, Pool]]}, one stage
 * total with {@code [[Stage]]}), parsed back as CloudWatch Logs would, and each alarm's namespace,
 * metric name and full dimension set (names and values) must be one the lines define: a metric
 * CloudWatch never extracts would leave a breaching-on-missing-data alarm paging forever, and one
 * an alarm never reads would leave a dry pool silent.
 */
class PoolAlarmMetricContractTest {
  private final SynthesizedBroker broker = SynthesizedBroker.withPools();

  /** The metrics the EMF lines define: "namespace/name {dimension=value, ...}". */
  private static List<String> extracted(String lines) throws Exception {
    List<String> metrics = new ArrayList<>();
    for (String line : lines.strip().split("\n")) {
      JsonNode event = SynthesizedBroker.JSON.readTree(line);
      for (JsonNode directive : event.get("_aws").get("CloudWatchMetrics")) {
        for (JsonNode dimensionSet : directive.get("Dimensions")) {
          Map<String, String> dims = new TreeMap<>();
          dimensionSet.forEach(d -> dims.put(d.asText(), event.get(d.asText()).asText()));
          for (JsonNode metric : directive.get("Metrics")) {
            metrics.add(
                directive.get("Namespace").asText()
                    + "/"
                    + metric.get("Name").asText()
                    + " "
                    + dims);
          }
        }
      }
    }
    return metrics;
  }

  private static String read(JsonNode alarm) {
    Map<String, String> dims = new TreeMap<>();
    alarm
        .path("Dimensions")
        .forEach(d -> dims.put(d.get("Name").asText(), d.get("Value").asText()));
    return alarm.get("Namespace").asText() + "/" + alarm.get("MetricName").asText() + " " + dims;
  }

  private String serviceLines() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    EmfStream emf =
        new EmfStream(new PrintStream(buffer, true, StandardCharsets.UTF_8), Clock.systemUTC());
    String stage = broker.settings.stage();
    MetricsLogger total = emf.logger(EmfStream.STAGE, stage);
    total.putMetric(MetricContract.POOL_AVAILABLE, 9, Unit.COUNT);
    total.putMetric(MetricContract.POOL_DELETION_FAILED, 0, Unit.COUNT);
    emf.flush(total);
    for (PoolDefinition pool : broker.settings.pools()) {
      MetricsLogger perPool = emf.logger(EmfStream.STAGE, stage, MetricContract.POOL, pool.name());
      perPool.putMetric(MetricContract.POOL_AVAILABLE, 3, Unit.COUNT);
      perPool.putMetric(MetricContract.POOL_DELETION_FAILED, 0, Unit.COUNT);
      emf.flush(perPool);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyPoolAlarmReadsAMetricTheServiceLinesDefine() throws Exception {
    List<String> extracted = extracted(serviceLines());
    List<String> poolAlarms = new ArrayList<>();
    broker
        .resources("AWS::CloudWatch::Alarm")
        .values()
        .forEach(
            a -> {
              JsonNode p = a.get("Properties");
              String name = p.get("AlarmName").asText();
              if (name.matches(".*-pool-.+-low") || name.endsWith("-deletion-failed")) {
                poolAlarms.add(name);
                assertThat(extracted).as(name + " reads " + read(p)).contains(read(p));
              }
            });
    // the stage total, the deletion-failed alarm, and one per pool with a low-water mark
    long withMark = broker.settings.pools().stream().filter(pool -> pool.lowWater() > 0).count();
    assertThat(poolAlarms).hasSize(2 + (int) withMark);
  }

  /**
   * The check can fail: an alarm on the per-pool metric without its Stage is not a line's metric.
   */
  @Test
  void aPoolMetricWithoutItsStageIsNotOneTheLinesDefine() throws Exception {
    List<String> extracted = extracted(serviceLines());
    String pool = broker.settings.pools().get(0).name();
    assertThat(extracted)
        .doesNotContain(
            MetricContract.NAMESPACE
                + "/"
                + MetricContract.POOL_AVAILABLE
                + " {Pool="
                + pool
                + "}");
    assertThat(extracted)
        .contains(
            MetricContract.NAMESPACE
                + "/"
                + MetricContract.POOL_AVAILABLE
                + " {Pool="
                + pool
                + ", Stage="
                + broker.settings.stage()
                + "}");
  }
}
