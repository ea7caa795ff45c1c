package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.TableContract;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alarms on AWS's own metrics and the event notifications, read from the synthesized template:
 * each reads the metric it claims, notifies the topic, and names a runbook page that exists.
 */
class OperationsAlarmsTemplateTest {
  private static final Pattern RUNBOOK = Pattern.compile("runbooks/[a-z0-9-]+\\.md");
  private final SynthesizedBroker broker = SynthesizedBroker.get();
  private final String p = "sandbox-broker-" + broker.settings.stage() + "-";

  private JsonNode alarm(String name) {
    return broker.resources("AWS::CloudWatch::Alarm").values().stream()
        .map(a -> a.get("Properties"))
        .filter(a -> a.get("AlarmName").asText().equals(p + name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no alarm " + p + name));
  }

  private JsonNode rule(String name) {
    return broker.resources("AWS::Events::Rule").values().stream()
        .map(r -> r.get("Properties"))
        .filter(r -> r.path("Name").asText().equals(p + name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no rule " + p + name));
  }

  /** id → "namespace/metric {dims}" of every metric the alarm's expression reads. */
  private static Map<String, String> metrics(JsonNode alarm) {
    Map<String, String> byId = new TreeMap<>();
    for (JsonNode m : alarm.get("Metrics")) {
      if (m.has("MetricStat")) {
        JsonNode metric = m.get("MetricStat").get("Metric");
        Map<String, String> dims = new TreeMap<>();
        metric
            .path("Dimensions")
            .forEach(d -> dims.put(d.get("Name").asText(), d.get("Value").toString()));
        byId.put(
            m.get("Id").asText(),
            metric.get("Namespace").asText()
                + "/"
                + metric.get("MetricName").asText()
                + " "
                + dims);
      }
    }
    return byId;
  }

  private static void namesAnExistingRunbook(String what, String text, String page) {
    Matcher m = RUNBOOK.matcher(text);
    assertThat(m.find()).as(what + " names a runbook: " + text).isTrue();
    assertThat(m.group()).as(what).isEqualTo(page);
    assertThat(Files.isRegularFile(SynthesizedBroker.REPO_ROOT.resolve(page)))
        .as(what + " → " + page)
        .isTrue();
  }

  private static void notifiesTheTopic(String what, JsonNode alarm) {
    assertThat(alarm.get("AlarmActions").get(0).get("Ref").asText())
        .as(what)
        .startsWith("AlarmTopic");
  }

  @Test
  void runningTasksBelowDesiredReadsContainerInsightsForTheApiService() {
    JsonNode a = alarm("api-tasks-below-desired");
    assertThat(metrics(a).values())
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith("ECS/ContainerInsights/DesiredTaskCount")
                    .contains("ClusterName")
                    .contains("ServiceName"))
        .anySatisfy(m -> assertThat(m).startsWith("ECS/ContainerInsights/RunningTaskCount"));
    assertThat(a.get("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
    notifiesTheTopic("tasks below desired", a);
    namesAnExistingRunbook(
        "tasks below desired",
        a.get("AlarmDescription").asText(),
        OperationsAlarms.RUNBOOK_TASKS_BELOW_DESIRED);
    // Container Insights must be on for the metric to exist
    JsonNode cluster =
        broker.resources("AWS::ECS::Cluster").values().iterator().next().get("Properties");
    assertThat(cluster.get("ClusterSettings").toString()).contains("containerInsights");
  }

  /**
   * Blue/green swaps production between the two target groups on every deployment (ALB and API
   * Gateway ingress alike: the VPC link reaches the same, internal, ALB), so the alarm reads both.
   */
  @Test
  void unhealthyTargetsReadsTheUnhealthyHostCountOfBothBlueGreenTargetGroups() {
    JsonNode a = alarm("api-unhealthy-targets");
    Map<String, String> metrics = metrics(a);
    assertThat(metrics).hasSize(2);
    assertThat(metrics.values())
        .allSatisfy(
            m ->
                assertThat(m)
                    .startsWith("AWS/ApplicationELB/UnHealthyHostCount")
                    .contains("TargetGroup")
                    .contains("LoadBalancer"));
    List<String> targetGroups =
        new ArrayList<>(broker.resources("AWS::ElasticLoadBalancingV2::TargetGroup").keySet());
    assertThat(targetGroups).hasSize(2);
    for (String id : targetGroups) {
      assertThat(metrics.values()).as(id).anySatisfy(m -> assertThat(m).contains(id));
    }
    notifiesTheTopic("unhealthy targets", a);
    namesAnExistingRunbook(
        "unhealthy targets",
        a.get("AlarmDescription").asText(),
        OperationsAlarms.RUNBOOK_UNHEALTHY_TARGETS);
  }

  @Test
  void withApiGatewayIngressTheUnhealthyTargetsAlarmStillReadsBothTargetGroups() {
    StageSynth s =
        StageSynth.of(
            "stage",
            "dev",
            "ingress",
            "apigateway",
            "hostedZoneId",
            DeliveryTemplateTest.ZONE_ID,
            "hostedZoneName",
            "broker.example.org");
    JsonNode a =
        s.resources("AWS::CloudWatch::Alarm").values().stream()
            .map(x -> x.get("Properties"))
            .filter(x -> x.get("AlarmName").asText().endsWith("-api-unhealthy-targets"))
            .findFirst()
            .orElseThrow();
    assertThat(metrics(a).values())
        .hasSize(2)
        .allSatisfy(m -> assertThat(m).startsWith("AWS/ApplicationELB/UnHealthyHostCount"));
    assertThat(s.resources("AWS::ElasticLoadBalancingV2::TargetGroup")).hasSize(2);
  }

  @Test
  void schedulerTargetErrorsReadsTheScheduleGroupsErrorsAndDrops() {
    JsonNode a = alarm("scheduler-target-errors");
    assertThat(metrics(a).values())
        .anySatisfy(
            m ->
                assertThat(m)
                    .isEqualTo("AWS/Scheduler/TargetErrorCount {ScheduleGroup=\"default\"}"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .isEqualTo("AWS/Scheduler/InvocationDroppedCount {ScheduleGroup=\"default\"}"));
    // the schedules really are in that group
    broker
        .resources("AWS::Scheduler::Schedule")
        .values()
        .forEach(
            s ->
                assertThat(s.get("Properties").path("GroupName").asText(JobSchedule.SCHEDULE_GROUP))
                    .isEqualTo(JobSchedule.SCHEDULE_GROUP));
    notifiesTheTopic("scheduler", a);
    namesAnExistingRunbook(
        "scheduler",
        a.get("AlarmDescription").asText(),
        OperationsAlarms.RUNBOOK_SCHEDULER_TARGET_ERRORS);
  }

  @Test
  void emfValidationErrorsCoverBothLogGroupsThatCarryEmf() {
    JsonNode a = alarm("emf-validation-errors");
    List<String> logGroups = new ArrayList<>();
    broker
        .resources("AWS::Logs::LogGroup")
        .values()
        .forEach(
            g -> {
              String name = g.get("Properties").path("LogGroupName").asText();
              if (name.endsWith("/api") || name.endsWith("/jobs")) {
                logGroups.add(name);
              }
            });
    assertThat(logGroups).hasSize(2);
    for (String group : logGroups) {
      assertThat(metrics(a).values())
          .contains("AWS/Logs/EMFValidationErrors {LogGroupName=\"" + group + "\"}")
          .contains("AWS/Logs/EMFParsingErrors {LogGroupName=\"" + group + "\"}");
    }
    notifiesTheTopic("emf", a);
    namesAnExistingRunbook(
        "emf", a.get("AlarmDescription").asText(), OperationsAlarms.RUNBOOK_EMF_VALIDATION_ERRORS);
  }

  @Test
  void statusIndexThrottlesReadTheIndexDimension() {
    JsonNode a = alarm("status-index-throttles");
    assertThat(metrics(a).values())
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith("AWS/DynamoDB/ReadThrottleEvents")
                    .contains("GlobalSecondaryIndexName=\"" + TableContract.STATUS_INDEX + "\""))
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith("AWS/DynamoDB/WriteThrottleEvents")
                    .contains("GlobalSecondaryIndexName=\"" + TableContract.STATUS_INDEX + "\""));
    notifiesTheTopic("status index", a);
    namesAnExistingRunbook(
        "status index", a.get("AlarmDescription").asText(), Monitoring.RUNBOOK_DYNAMODB_THROTTLING);
  }

  /**
   * One path per failed execution: this rule, one event per execution; no alarm, no notify state.
   */
  @Test
  void everyFailedJobExecutionNotifiesOnceThroughOneRule() {
    JsonNode r = rule("job-execution-failed");
    JsonNode pattern = r.get("EventPattern");
    assertThat(pattern.get("source").toString()).isEqualTo("[\"aws.states\"]");
    assertThat(pattern.get("detail-type").toString())
        .isEqualTo("[\"Step Functions Execution Status Change\"]");
    assertThat(pattern.get("detail").get("status").toString())
        .isEqualTo("[\"FAILED\",\"TIMED_OUT\",\"ABORTED\"]");
    assertThat(pattern.get("detail").get("stateMachineArn")).hasSize(3);
    assertThat(r.get("Targets")).hasSize(1);
    JsonNode target = r.get("Targets").get(0);
    assertThat(target.get("Arn").get("Ref").asText()).startsWith("AlarmTopic");
    String message = target.get("InputTransformer").toString();
    assertThat(message).contains("$.detail.executionArn");
    namesAnExistingRunbook("job execution failed", message, Monitoring.RUNBOOK_JOB_FAILED);

    // nothing else notifies for a failed execution: no ExecutionsFailed alarm, no SNS state
    broker
        .resources("AWS::CloudWatch::Alarm")
        .values()
        .forEach(
            alarm ->
                assertThat(alarm.get("Properties").toString()).doesNotContain("ExecutionsFailed"));
    broker
        .resources("AWS::StepFunctions::StateMachine")
        .values()
        .forEach(
            sm ->
                assertThat(sm.get("Properties").get("DefinitionString").toString())
                    .doesNotContain("sns:publish"));
    assertThat(
            broker.resources("AWS::Events::Rule").values().stream()
                .filter(
                    x ->
                        x.get("Properties")
                            .path("EventPattern")
                            .path("source")
                            .toString()
                            .contains("aws.states")))
        .hasSize(1);
  }

  @Test
  void aFailedOrRolledBackApiDeploymentNotifiesThroughARule() {
    JsonNode r = rule("api-deployment-failed");
    JsonNode pattern = r.get("EventPattern");
    assertThat(pattern.get("source").toString()).isEqualTo("[\"aws.ecs\"]");
    assertThat(pattern.get("detail-type").toString())
        .isEqualTo("[\"ECS Deployment State Change\"]");
    assertThat(pattern.get("detail").get("eventName").toString())
        .isEqualTo("[\"SERVICE_DEPLOYMENT_FAILED\"]");
    assertThat(pattern.get("resources")).hasSize(1);
    JsonNode target = r.get("Targets").get(0);
    assertThat(target.get("Arn").get("Ref").asText()).startsWith("AlarmTopic");
    namesAnExistingRunbook(
        "deployment failed",
        target.get("InputTransformer").toString(),
        OperationsAlarms.RUNBOOK_DEPLOYMENT_FAILED);
    // the circuit breaker with rollback is what sends the event
    JsonNode service =
        broker.resources("AWS::ECS::Service").values().iterator().next().get("Properties");
    assertThat(service.at("/DeploymentConfiguration/DeploymentCircuitBreaker/Rollback").asBoolean())
        .isTrue();
  }

  /** EventBridge publishes to the KMS-encrypted topic as a service: the key policy lets it in. */
  @Test
  void eventBridgeMayUseTheTopicsKey() {
    JsonNode key =
        broker.resources("AWS::KMS::Key").values().stream()
            .filter(k -> k.get("Properties").path("Description").asText().contains("alarm topic"))
            .findFirst()
            .orElseThrow();
    assertThat(key.get("Properties").get("KeyPolicy").toString()).contains("events.amazonaws.com");
    JsonNode policy =
        broker.resources("AWS::SNS::TopicPolicy").values().iterator().next().get("Properties");
    assertThat(policy.toString()).contains("events.amazonaws.com");
  }
}
