package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.JobName;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every alarm the design lists exists, notifies the topic, and names a runbook that exists. */
class AlarmTemplateTest {
  private static final Pattern RUNBOOK = Pattern.compile("runbooks/[a-z0-9-]+\\.md");
  private final SynthesizedBroker broker = SynthesizedBroker.get();

  private Map<String, JsonNode> alarmsByName() {
    Map<String, JsonNode> byName = new TreeMap<>();
    broker
        .resources("AWS::CloudWatch::Alarm")
        .values()
        .forEach(
            a -> byName.put(a.get("Properties").get("AlarmName").asText(), a.get("Properties")));
    return byName;
  }

  @Test
  void everyListedAlarmExists() {
    String p = "sandbox-broker-" + broker.settings.stage() + "-";
    List<String> expected = new ArrayList<>();
    for (JobName job : JobName.values()) {
      expected.add(p + job.wireName() + "-not-succeeded");
      expected.add(p + job.wireName() + "-paused-too-long");
    }
    expected.addAll(
        List.of(
            p + "api-5xx",
            p + "allocation-latency-p99",
            p + "pool-available-low",
            p + "deletion-failed",
            p + "dynamodb-throttles"));
    expected.addAll(
        List.of(
            p + "api-tasks-below-desired",
            p + "api-unhealthy-targets",
            p + "scheduler-target-errors",
            p + "emf-validation-errors",
            p + "status-index-throttles"));
    // lifecycle events' delivery (LifecycleEvents)
    expected.addAll(List.of(p + "events-pipe-failures", p + "events-dlq-not-empty"));
    // issue #15: the blue/green rollback alarms (ECS watches them; they notify nobody)
    expected.addAll(List.of(p + "api-deploy-5xx", p + "api-deploy-latency-p99"));
    assertThat(alarmsByName().keySet()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void everyAlarmNamesARunbookThatExistsAndNotifiesTheTopic() {
    alarmsByName()
        .forEach(
            (name, alarm) -> {
              Matcher m = RUNBOOK.matcher(alarm.get("AlarmDescription").asText());
              assertThat(m.find()).as(name + " names a runbook").isTrue();
              assertThat(Files.isRegularFile(SynthesizedBroker.REPO_ROOT.resolve(m.group())))
                  .as(name + " → " + m.group())
                  .isTrue();
              if (!name.contains(
                  "-api-deploy-")) { // rollback alarms: ECS is their action (DeliveryTemplateTest)
                assertThat(alarm.get("AlarmActions").get(0).get("Ref").asText())
                    .as(name)
                    .startsWith("AlarmTopic");
              }
            });
  }

  /**
   * Only real successes count: a paused or lock-skipped run is a succeeded execution, not a
   * success.
   */
  @Test
  void notSucceededAlarmsReadOnlySucceededJobOutcomesAndTreatMissingDataAsBreaching() {
    for (JobName job : JobName.values()) {
      JsonNode alarm =
          alarmsByName()
              .get(
                  "sandbox-broker-"
                      + broker.settings.stage()
                      + "-"
                      + job.wireName()
                      + "-not-succeeded");
      assertThat(alarm.get("MetricName").asText()).isEqualTo(Monitoring.JOB_OUTCOME);
      assertThat(alarm.get("Namespace").asText()).isEqualTo(Monitoring.SERVICE_NAMESPACE);
      assertThat(dimensions(alarm))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "Stage", broker.settings.stage(), "Job", job.wireName(), "Outcome", "succeeded"));
      assertThat(alarm.get("Statistic").asText()).isEqualTo("Sum");
      assertThat(alarm.get("Period").asLong())
          .isEqualTo(broker.settings.jobs().rate(job).toSeconds());
      assertThat(alarm.get("EvaluationPeriods").asInt())
          .isEqualTo(broker.settings.jobs().missedPeriods());
      assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("breaching");
      assertThat(alarm.get("ComparisonOperator").asText()).isEqualTo("LessThanThreshold");
      assertThat(alarm.get("Threshold").asDouble()).isEqualTo(1.0);
    }
  }

  @Test
  void pausedTooLongAlarmsCountHoursWithOnlyPausedRuns() {
    for (JobName job : JobName.values()) {
      JsonNode alarm =
          alarmsByName()
              .get(
                  "sandbox-broker-"
                      + broker.settings.stage()
                      + "-"
                      + job.wireName()
                      + "-paused-too-long");
      Map<String, Map<String, String>> byId = new TreeMap<>();
      String expression = null;
      long period = 0;
      for (JsonNode m : alarm.get("Metrics")) {
        if (m.has("Expression")) {
          expression = m.get("Expression").asText();
        } else {
          byId.put(m.get("Id").asText(), dimensions(m.get("MetricStat").get("Metric")));
          assertThat(m.get("MetricStat").get("Metric").get("MetricName").asText())
              .isEqualTo(Monitoring.JOB_OUTCOME);
          period = m.get("MetricStat").get("Period").asLong();
          assertThat(period).isGreaterThanOrEqualTo(3600);
        }
      }
      assertThat(expression).contains("paused").contains("succeeded");
      assertThat(byId.get("paused"))
          .containsEntry("Outcome", "skipped_paused")
          .containsEntry("Job", job.wireName());
      assertThat(byId.get("succeeded"))
          .containsEntry("Outcome", "succeeded")
          .containsEntry("Job", job.wireName());
      // N hours of consecutive hourly (or longer) periods, all of them breaching
      int periods = alarm.get("EvaluationPeriods").asInt();
      assertThat(alarm.get("DatapointsToAlarm").asInt()).isEqualTo(periods);
      assertThat(periods * period).isGreaterThanOrEqualTo(Monitoring.PAUSED_ALARM_HOURS * 3600L);
      assertThat(alarm.get("TreatMissingData").asText()).isEqualTo("notBreaching");
    }
  }

  /** Every alarm on a service metric selects its stage: two stages in one account never mix. */
  @Test
  void everyServiceMetricOfAnAlarmCarriesTheStageDimension() {
    alarmsByName()
        .forEach(
            (name, alarm) -> {
              List<JsonNode> metrics = new ArrayList<>();
              if (alarm.has("MetricName")) {
                metrics.add(alarm);
              }
              alarm
                  .path("Metrics")
                  .forEach(
                      m -> {
                        if (m.has("MetricStat")) metrics.add(m.get("MetricStat").get("Metric"));
                      });
              for (JsonNode m : metrics) {
                if (Monitoring.SERVICE_NAMESPACE.equals(m.get("Namespace").asText())) {
                  assertThat(dimensions(m))
                      .as(name)
                      .containsEntry("Stage", broker.settings.stage());
                }
              }
            });
  }

  private static Map<String, String> dimensions(JsonNode metric) {
    Map<String, String> dims = new TreeMap<>();
    metric
        .path("Dimensions")
        .forEach(d -> dims.put(d.get("Name").asText(), d.get("Value").asText()));
    return dims;
  }

  @Test
  void serviceMetricAlarmsUseTheDocumentedNamespaceAndThresholds() {
    String p = "sandbox-broker-" + broker.settings.stage() + "-";
    JsonNode latency = alarmsByName().get(p + "allocation-latency-p99");
    assertThat(latency.get("Namespace").asText()).isEqualTo(Monitoring.SERVICE_NAMESPACE);
    assertThat(latency.get("MetricName").asText()).isEqualTo(Monitoring.ALLOCATION_LATENCY);
    assertThat(latency.get("ExtendedStatistic").asText()).isEqualTo("p99");

    JsonNode low = alarmsByName().get(p + "pool-available-low");
    assertThat(low.get("MetricName").asText()).isEqualTo(Monitoring.POOL_AVAILABLE);
    assertThat(low.get("Threshold").asDouble()).isEqualTo(broker.settings.alarms().poolLowWater());
    assertThat(low.get("ComparisonOperator").asText()).isEqualTo("LessThanThreshold");

    JsonNode failed = alarmsByName().get(p + "deletion-failed");
    assertThat(failed.get("MetricName").asText()).isEqualTo(Monitoring.POOL_DELETION_FAILED);
    assertThat(failed.get("Threshold").asDouble()).isZero();
    assertThat(failed.get("ComparisonOperator").asText()).isEqualTo("GreaterThanThreshold");

    JsonNode throttles = alarmsByName().get(p + "dynamodb-throttles");
    List<String> metricNames = new ArrayList<>();
    throttles
        .get("Metrics")
        .forEach(
            m -> metricNames.add(m.path("MetricStat").path("Metric").path("MetricName").asText()));
    assertThat(metricNames).contains("ReadThrottleEvents", "WriteThrottleEvents");

    JsonNode api5xx = alarmsByName().get(p + "api-5xx");
    List<String> codes = new ArrayList<>();
    api5xx
        .get("Metrics")
        .forEach(m -> codes.add(m.path("MetricStat").path("Metric").path("MetricName").asText()));
    assertThat(codes).contains("HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count");
  }

  @Test
  void aDashboardExists() {
    assertThat(broker.resources("AWS::CloudWatch::Dashboard")).hasSize(1);
  }
}
