package com.sandboxbroker.cdk;

import static com.sandboxbroker.cdk.Templates.everySelected;
import static com.sandboxbroker.cdk.Templates.matching;
import static com.sandboxbroker.cdk.Templates.metricLike;
import static com.sandboxbroker.cdk.Templates.metricNamed;
import static com.sandboxbroker.cdk.Templates.property;
import static com.sandboxbroker.cdk.Templates.someMatchesAll;
import static com.sandboxbroker.cdk.Templates.withDimension;
import static com.sandboxbroker.cdk.Templates.withProperties;
import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.contract.JobName;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Every alarm the design lists exists, notifies the topic, and names a runbook that exists. */
class AlarmTemplateTest {
  private static final Pattern RUNBOOK = Pattern.compile("runbooks/[a-z0-9-]+\\.md");
  private static final String ALARM = "AWS::CloudWatch::Alarm";
  private final SynthesizedBroker broker = SynthesizedBroker.get();
  private final Template template = broker.template;
  private final String p = "sandbox-broker-" + broker.settings.stage() + "-";

  @Test
  void everyListedAlarmExists() {
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
    // each exactly once, and no other
    for (String name : expected) {
      template.getResourceId(ALARM, withProperties(Map.of("AlarmName", name)));
    }
    template.resourceCountIs(ALARM, expected.size());
  }

  @Test
  void everyAlarmNamesARunbookThatExistsAndNotifiesTheTopic() {
    template
        .findResources(ALARM)
        .forEach(
            (id, alarm) -> {
              var m = RUNBOOK.matcher((String) property(alarm, "AlarmDescription"));
              assertThat(m.find()).as(id + " names a runbook").isTrue();
              assertThat(Files.isRegularFile(SynthesizedBroker.REPO_ROOT.resolve(m.group())))
                  .as(id + " → " + m.group())
                  .isTrue();
            });
    // rollback alarms: ECS is their action (DeliveryTemplateTest)
    everySelected(
        template,
        ALARM,
        Map.of("AlarmName", Match.not(Match.stringLikeRegexp("-api-deploy-"))),
        Match.objectLike(
            Map.of(
                "AlarmActions",
                Match.arrayWith(List.of(Map.of("Ref", Match.stringLikeRegexp("^AlarmTopic")))))));
  }

  /** Exactly these dimensions, in any order (the app gives them as a map). */
  private static void dimensionsAre(String what, Capture dimensions, Map<String, String> expected) {
    assertThat(dimensions.asArray()).as(what).hasSize(expected.size());
    expected.forEach(
        (name, value) ->
            someMatchesAll(
                what + " " + name,
                dimensions.asArray(),
                Match.objectLike(Map.of("Name", name, "Value", value))));
  }

  /**
   * Only real successes count: a paused or lock-skipped run is a succeeded execution, not a
   * success.
   */
  @Test
  void notSucceededAlarmsReadOnlySucceededJobOutcomesAndTreatMissingDataAsBreaching() {
    for (JobName job : JobName.values()) {
      Capture dimensions = new Capture();
      template.hasResourceProperties(
          ALARM,
          Match.objectLike(
              Map.of(
                  "AlarmName",
                  p + job.wireName() + "-not-succeeded",
                  "MetricName",
                  Monitoring.JOB_OUTCOME,
                  "Namespace",
                  Monitoring.SERVICE_NAMESPACE,
                  "Dimensions",
                  dimensions,
                  "Statistic",
                  "Sum",
                  "Period",
                  broker.settings.jobs().rate(job).toSeconds(),
                  "EvaluationPeriods",
                  broker.settings.jobs().missedPeriods(),
                  "TreatMissingData",
                  "breaching",
                  "ComparisonOperator",
                  "LessThanThreshold",
                  "Threshold",
                  1)));
      dimensionsAre(
          job.wireName(),
          dimensions,
          Map.of("Stage", broker.settings.stage(), "Job", job.wireName(), "Outcome", "succeeded"));
    }
  }

  @Test
  void pausedTooLongAlarmsCountHoursWithOnlyPausedRuns() {
    for (JobName job : JobName.values()) {
      String name = p + job.wireName() + "-paused-too-long";
      Capture metrics = new Capture();
      Capture periods = new Capture();
      Capture datapoints = new Capture();
      template.hasResourceProperties(
          ALARM,
          Match.objectLike(
              Map.of(
                  "AlarmName",
                  name,
                  "Metrics",
                  metrics,
                  "EvaluationPeriods",
                  periods,
                  "DatapointsToAlarm",
                  datapoints,
                  "TreatMissingData",
                  "notBreaching")));
      List<Object> all = metrics.asArray();
      someMatchesAll(
          name,
          all,
          Match.objectLike(Map.of("Expression", Match.stringLikeRegexp("paused"))),
          Match.objectLike(Map.of("Expression", Match.stringLikeRegexp("succeeded"))));
      List<Object> stats = matching(all, Match.objectLike(Map.of("MetricStat", Match.anyValue())));
      assertThat(matching(stats, metricNamed(Monitoring.JOB_OUTCOME))).isEqualTo(stats);
      someMatchesAll(
          name + " paused",
          stats,
          Match.objectLike(Map.of("Id", "paused")),
          withDimension("Outcome", "skipped_paused"),
          withDimension("Job", job.wireName()));
      someMatchesAll(
          name + " succeeded",
          stats,
          Match.objectLike(Map.of("Id", "succeeded")),
          withDimension("Outcome", "succeeded"),
          withDimension("Job", job.wireName()));
      // N hours of consecutive hourly (or longer) periods, all of them breaching
      long period = 0;
      for (Object stat : stats) {
        Capture statPeriod = new Capture();
        Templates.assertMatches(
            name,
            stat,
            Match.objectLike(Map.of("MetricStat", Match.objectLike(Map.of("Period", statPeriod)))));
        period = statPeriod.asNumber().longValue();
        assertThat(period).isGreaterThanOrEqualTo(3600);
      }
      assertThat(datapoints.asNumber()).isEqualTo(periods.asNumber());
      assertThat(periods.asNumber().intValue() * period)
          .isGreaterThanOrEqualTo(Monitoring.PAUSED_ALARM_HOURS * 3600L);
    }
  }

  /** Every alarm on a service metric selects its stage: two stages in one account never mix. */
  @Test
  void everyServiceMetricOfAnAlarmCarriesTheStageDimension() {
    Map<String, Object> stage = Map.of("Name", "Stage", "Value", broker.settings.stage());
    for (Object withoutStage :
        List.of(Match.absent(), Match.not(Match.arrayWith(List.of(stage))))) {
      // a single-metric alarm
      assertThat(
              template.findResources(
                  ALARM,
                  withProperties(
                      Map.of(
                          "Namespace", Monitoring.SERVICE_NAMESPACE, "Dimensions", withoutStage))))
          .isEmpty();
      // a metric of a math expression
      assertThat(
              template.findResources(
                  ALARM,
                  withProperties(
                      Map.of(
                          "Metrics",
                          Match.arrayWith(
                              List.of(
                                  metricLike(
                                      Map.of(
                                          "Namespace",
                                          Monitoring.SERVICE_NAMESPACE,
                                          "Dimensions",
                                          withoutStage))))))))
          .isEmpty();
    }
  }

  @Test
  void serviceMetricAlarmsUseTheDocumentedNamespaceAndThresholds() {
    template.hasResourceProperties(
        ALARM,
        Match.objectLike(
            Map.of(
                "AlarmName",
                p + "allocation-latency-p99",
                "Namespace",
                Monitoring.SERVICE_NAMESPACE,
                "MetricName",
                Monitoring.ALLOCATION_LATENCY,
                "ExtendedStatistic",
                "p99")));
    template.hasResourceProperties(
        ALARM,
        Match.objectLike(
            Map.of(
                "AlarmName",
                p + "pool-available-low",
                "MetricName",
                Monitoring.POOL_AVAILABLE,
                "Threshold",
                broker.settings.alarms().poolLowWater(),
                "ComparisonOperator",
                "LessThanThreshold")));
    template.hasResourceProperties(
        ALARM,
        Match.objectLike(
            Map.of(
                "AlarmName",
                p + "deletion-failed",
                "MetricName",
                Monitoring.POOL_DELETION_FAILED,
                "Threshold",
                0,
                "ComparisonOperator",
                "GreaterThanThreshold")));
    Map<String, List<String>> metricsOf =
        Map.of(
            "dynamodb-throttles", List.of("ReadThrottleEvents", "WriteThrottleEvents"),
            "api-5xx", List.of("HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"));
    metricsOf.forEach(
        (alarm, metrics) -> {
          for (String metric : metrics) {
            template.hasResourceProperties(
                ALARM,
                Match.objectLike(
                    Map.of(
                        "AlarmName",
                        p + alarm,
                        "Metrics",
                        Match.arrayWith(List.of(metricNamed(metric))))));
          }
        });
  }

  @Test
  void aDashboardExists() {
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  }
}
