package com.sandboxbroker.cdk;

import static com.sandboxbroker.cdk.Templates.assertMatches;
import static com.sandboxbroker.cdk.Templates.dimension;
import static com.sandboxbroker.cdk.Templates.matching;
import static com.sandboxbroker.cdk.Templates.metricLike;
import static com.sandboxbroker.cdk.Templates.metricNamed;
import static com.sandboxbroker.cdk.Templates.property;
import static com.sandboxbroker.cdk.Templates.someMatchesAll;
import static com.sandboxbroker.cdk.Templates.withDimension;
import static com.sandboxbroker.cdk.Templates.withProperties;
import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.contract.TableContract;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Matcher;
import software.amazon.awscdk.assertions.Template;

/**
 * The alarms on AWS's own metrics and the event notifications, read from the synthesized template:
 * each reads the metric it claims, notifies the topic, and names a runbook page that exists.
 */
class OperationsAlarmsTemplateTest {
  private static final Pattern RUNBOOK = Pattern.compile("runbooks/[a-z0-9-]+\\.md");
  private static final String ALARM = "AWS::CloudWatch::Alarm";
  private static final String RULE = "AWS::Events::Rule";
  private final SynthesizedBroker broker = SynthesizedBroker.get();
  private final Template template = broker.template;
  private final String p = "sandbox-broker-" + broker.settings.stage() + "-";

  /** An entry of an alarm's Metrics reading this metric, whatever its dimensions. */
  static Matcher metric(String namespace, String metricName) {
    return metricLike(Map.of("Namespace", namespace, "MetricName", metricName));
  }

  /** An entry of an alarm's Metrics whose dimensions are like these. */
  static Matcher dimensions(Object dimensions) {
    return metricLike(Map.of("Dimensions", dimensions));
  }

  /** The alarm's first action is the alarm topic. */
  static Matcher notifiesTheTopic() {
    return Match.arrayWith(List.of(Map.of("Ref", Match.stringLikeRegexp("^AlarmTopic"))));
  }

  private static void namesAnExistingRunbook(String what, String text, String page) {
    var m = RUNBOOK.matcher(text);
    assertThat(m.find()).as(what + " names a runbook: " + text).isTrue();
    assertThat(m.group()).as(what).isEqualTo(page);
    assertThat(Files.isRegularFile(SynthesizedBroker.REPO_ROOT.resolve(page)))
        .as(what + " → " + page)
        .isTrue();
  }

  /**
   * The named alarm notifies the topic and is like the given properties; returns its description,
   * for the runbook it names.
   */
  private String alarm(String name, Map<String, Object> like) {
    Capture description = new Capture();
    Map<String, Object> pattern = new HashMap<>(like);
    pattern.put("AlarmName", p + name);
    pattern.put("AlarmActions", notifiesTheTopic());
    pattern.put("AlarmDescription", description);
    template.hasResourceProperties(ALARM, Match.objectLike(pattern));
    return description.asString();
  }

  @Test
  void runningTasksBelowDesiredReadsContainerInsightsForTheApiService() {
    Capture metrics = new Capture();
    String description =
        alarm(
            "api-tasks-below-desired",
            Map.of("Metrics", metrics, "ComparisonOperator", "GreaterThanOrEqualToThreshold"));
    someMatchesAll(
        "desired",
        metrics.asArray(),
        metric("ECS/ContainerInsights", "DesiredTaskCount"),
        withDimension("ClusterName", Match.anyValue()),
        withDimension("ServiceName", Match.anyValue()));
    someMatchesAll(
        "running", metrics.asArray(), metric("ECS/ContainerInsights", "RunningTaskCount"));
    namesAnExistingRunbook(
        "tasks below desired", description, OperationsAlarms.RUNBOOK_TASKS_BELOW_DESIRED);
    // Container Insights must be on for the metric to exist
    template.hasResourceProperties(
        "AWS::ECS::Cluster",
        Match.objectLike(
            Map.of(
                "ClusterSettings",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Name", "containerInsights")))))));
  }

  /** The entries of an alarm's Metrics that read a metric (not the math expression). */
  private static List<Object> metricStats(Capture metrics) {
    return matching(metrics.asArray(), Match.objectLike(Map.of("MetricStat", Match.anyValue())));
  }

  /**
   * Blue/green swaps production between the two target groups on every deployment (ALB and API
   * Gateway ingress alike: the VPC link reaches the same, internal, ALB), so the alarm reads both.
   */
  @Test
  void unhealthyTargetsReadsTheUnhealthyHostCountOfBothBlueGreenTargetGroups() {
    Capture metrics = new Capture();
    String description = alarm("api-unhealthy-targets", Map.of("Metrics", metrics));
    List<Object> stats = metricStats(metrics);
    assertThat(stats).hasSize(2);
    for (Object stat : stats) {
      someMatchesAll(
          "unhealthy targets",
          List.of(stat),
          metric("AWS/ApplicationELB", "UnHealthyHostCount"),
          withDimension("LoadBalancer", Match.anyValue()),
          withDimension("TargetGroup", Match.anyValue()));
    }
    var targetGroups = template.findResources("AWS::ElasticLoadBalancingV2::TargetGroup").keySet();
    assertThat(targetGroups).hasSize(2);
    for (String id : targetGroups) {
      someMatchesAll(
          id,
          stats,
          withDimension("TargetGroup", Map.of("Fn::GetAtt", Match.arrayWith(List.of(id)))));
    }
    namesAnExistingRunbook(
        "unhealthy targets", description, OperationsAlarms.RUNBOOK_UNHEALTHY_TARGETS);
  }

  @Test
  void withApiGatewayIngressTheUnhealthyTargetsAlarmStillReadsBothTargetGroups() {
    Template t =
        StageSynth.of(
                "stage",
                "dev",
                "ingress",
                "apigateway",
                "hostedZoneId",
                DeliveryTemplateTest.ZONE_ID,
                "hostedZoneName",
                "broker.example.org")
            .template;
    Capture metrics = new Capture();
    t.hasResourceProperties(
        ALARM,
        Match.objectLike(
            Map.of(
                "AlarmName",
                Match.stringLikeRegexp("-api-unhealthy-targets$"),
                "Metrics",
                metrics)));
    List<Object> stats = metricStats(metrics);
    assertThat(stats).hasSize(2);
    stats.forEach(
        m ->
            assertMatches(
                "unhealthy targets", m, metric("AWS/ApplicationELB", "UnHealthyHostCount")));
    t.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 2);
  }

  @Test
  void schedulerTargetErrorsReadsTheScheduleGroupsErrorsAndDrops() {
    Capture metrics = new Capture();
    String description = alarm("scheduler-target-errors", Map.of("Metrics", metrics));
    Matcher defaultGroup = dimensions(List.of(dimension("ScheduleGroup", "default")));
    for (String name : List.of("TargetErrorCount", "InvocationDroppedCount")) {
      someMatchesAll(name, metrics.asArray(), metric("AWS/Scheduler", name), defaultGroup);
    }
    // the schedules really are in that group (left out, a schedule is in it)
    assertThat(
            template.findResources(
                "AWS::Scheduler::Schedule",
                withProperties(Map.of("GroupName", Match.not(JobSchedule.SCHEDULE_GROUP)))))
        .isEmpty();
    namesAnExistingRunbook(
        "scheduler", description, OperationsAlarms.RUNBOOK_SCHEDULER_TARGET_ERRORS);
  }

  @Test
  void emfValidationErrorsCoverBothLogGroupsThatCarryEmf() {
    Capture metrics = new Capture();
    String description = alarm("emf-validation-errors", Map.of("Metrics", metrics));
    var logGroups =
        template.findResources(
            "AWS::Logs::LogGroup",
            withProperties(Map.of("LogGroupName", Match.stringLikeRegexp("/(api|jobs)$"))));
    assertThat(logGroups).hasSize(2);
    for (var logGroup : logGroups.values()) {
      Object group = property(logGroup, "LogGroupName");
      Matcher byName = dimensions(List.of(dimension("LogGroupName", group)));
      for (String name : List.of("EMFValidationErrors", "EMFParsingErrors")) {
        someMatchesAll(group + " " + name, metrics.asArray(), metric("AWS/Logs", name), byName);
      }
    }
    namesAnExistingRunbook("emf", description, OperationsAlarms.RUNBOOK_EMF_VALIDATION_ERRORS);
  }

  @Test
  void statusIndexThrottlesReadTheIndexDimension() {
    Capture metrics = new Capture();
    String description = alarm("status-index-throttles", Map.of("Metrics", metrics));
    for (String name : List.of("ReadThrottleEvents", "WriteThrottleEvents")) {
      someMatchesAll(
          name,
          metrics.asArray(),
          metric("AWS/DynamoDB", name),
          withDimension("GlobalSecondaryIndexName", TableContract.STATUS_INDEX));
    }
    namesAnExistingRunbook("status index", description, Monitoring.RUNBOOK_DYNAMODB_THROTTLING);
  }

  /** The named rule has this event pattern and one target, the topic; returns its message. */
  private String rule(String name, Map<String, Object> eventPattern, Map<String, Object> paths) {
    Capture message = new Capture();
    template.hasResourceProperties(
        RULE,
        Match.objectLike(
            Map.of(
                "Name",
                p + name,
                "EventPattern",
                Match.objectLike(eventPattern),
                "Targets",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Arn",
                            Map.of("Ref", Match.stringLikeRegexp("^AlarmTopic")),
                            "InputTransformer",
                            Match.objectLike(
                                Map.of(
                                    "InputPathsMap",
                                    Match.objectLike(paths),
                                    "InputTemplate",
                                    message))))))));
    return message.asString();
  }

  /**
   * One path per failed execution: this rule, one event per execution; no alarm, no notify state.
   */
  @Test
  void everyFailedJobExecutionNotifiesOnceThroughOneRule() {
    String message =
        rule(
            "job-execution-failed",
            Map.of(
                "source",
                List.of("aws.states"),
                "detail-type",
                List.of("Step Functions Execution Status Change"),
                "detail",
                Match.objectLike(
                    Map.of(
                        "status",
                        List.of("FAILED", "TIMED_OUT", "ABORTED"),
                        "stateMachineArn",
                        List.of(Match.anyValue(), Match.anyValue(), Match.anyValue())))),
            Map.of("detail-executionArn", "$.detail.executionArn"));
    namesAnExistingRunbook("job execution failed", message, Monitoring.RUNBOOK_JOB_FAILED);

    // nothing else notifies for a failed execution: no ExecutionsFailed alarm, no SNS state
    assertThat(
            template.findResources(ALARM, withProperties(Map.of("MetricName", "ExecutionsFailed"))))
        .isEmpty();
    assertThat(
            template.findResources(
                ALARM,
                withProperties(
                    Map.of("Metrics", Match.arrayWith(List.of(metricNamed("ExecutionsFailed")))))))
        .isEmpty();
    // the definitions are Fn::Join strings of ASL: searched as text
    assertThat(template.findResources("AWS::StepFunctions::StateMachine").toString())
        .doesNotContain("sns:publish");
    assertThat(
            template.findResources(
                RULE,
                withProperties(
                    Map.of(
                        "EventPattern",
                        Match.objectLike(
                            Map.of("source", Match.arrayWith(List.of("aws.states"))))))))
        .hasSize(1);
  }

  @Test
  void aFailedOrRolledBackApiDeploymentNotifiesThroughARule() {
    String message =
        rule(
            "api-deployment-failed",
            Map.of(
                "source",
                List.of("aws.ecs"),
                "detail-type",
                List.of("ECS Deployment State Change"),
                "detail",
                Match.objectLike(Map.of("eventName", List.of("SERVICE_DEPLOYMENT_FAILED"))),
                "resources",
                List.of(Match.anyValue())),
            Map.of());
    namesAnExistingRunbook(
        "deployment failed", message, OperationsAlarms.RUNBOOK_DEPLOYMENT_FAILED);
    // the circuit breaker with rollback is what sends the event
    template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "DeploymentConfiguration",
                Match.objectLike(
                    Map.of(
                        "DeploymentCircuitBreaker", Match.objectLike(Map.of("Rollback", true)))))));
  }

  /** EventBridge publishes to the KMS-encrypted topic as a service: the key policy lets it in. */
  @Test
  void eventBridgeMayUseTheTopicsKey() {
    template.hasResourceProperties(
        "AWS::KMS::Key",
        Match.objectLike(
            Map.of(
                "Description",
                Match.stringLikeRegexp("alarm topic"),
                "KeyPolicy",
                statementFor(Match.arrayWith(List.of("events.amazonaws.com"))))));
    template.resourceCountIs("AWS::SNS::TopicPolicy", 1);
    template.hasResourceProperties(
        "AWS::SNS::TopicPolicy",
        Match.objectLike(Map.of("PolicyDocument", statementFor("events.amazonaws.com"))));
  }

  /** A policy document with a statement whose service principal is like this. */
  private static Matcher statementFor(Object service) {
    return Match.objectLike(
        Map.of(
            "Statement",
            Match.arrayWith(
                List.of(
                    Match.objectLike(
                        Map.of("Principal", Match.objectLike(Map.of("Service", service))))))));
  }
}
