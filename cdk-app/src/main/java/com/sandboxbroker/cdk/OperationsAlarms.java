package com.sandboxbroker.cdk;

import com.sandboxbroker.core.contract.TableContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The alarms on what AWS itself reports about the deployment (ECS, the load balancer, Scheduler,
 * CloudWatch Logs' EMF extraction, the status index), and the two event notifications: one message
 * per failed job execution, one per failed (rolled back) API deployment. Each names its runbook.
 * Kept apart from {@link Monitoring} (the broker's own metrics and the dashboard) so each stays
 * readable.
 */
public final class OperationsAlarms extends Construct {
  public static final String RUNBOOK_TASKS_BELOW_DESIRED = "runbooks/tasks-below-desired.md";
  public static final String RUNBOOK_UNHEALTHY_TARGETS = "runbooks/unhealthy-targets.md";
  public static final String RUNBOOK_DEPLOYMENT_FAILED = "runbooks/deployment-failed.md";
  public static final String RUNBOOK_SCHEDULER_TARGET_ERRORS =
      "runbooks/scheduler-target-errors.md";
  public static final String RUNBOOK_EMF_VALIDATION_ERRORS = "runbooks/emf-validation-errors.md";
  public static final String RUNBOOK_JOB_FAILED = Monitoring.RUNBOOK_JOB_FAILED;
  public static final String RUNBOOK_DYNAMODB_THROTTLING = Monitoring.RUNBOOK_DYNAMODB_THROTTLING;

  private static final Duration PERIOD = Duration.minutes(5);

  private final List<Alarm> alarms = new ArrayList<>();
  private final List<Rule> rules = new ArrayList<>();

  public OperationsAlarms(Construct scope, String id, OperationsAlarmsProps props) {
    super(scope, id);
    SnsAction notify = new SnsAction(props.topic());
    String prefix = props.namePrefix();
    tasksBelowDesired(props, prefix, notify);
    unhealthyTargets(props, prefix, notify);
    schedulerTargetErrors(props, prefix, notify);
    emfValidationErrors(props, prefix, notify);
    statusIndexThrottles(props, prefix, notify);
    jobExecutionFailed(props, prefix);
    deploymentFailed(props, prefix);
  }

  /** Container Insights: fewer tasks running than the service wants, for 15 minutes. */
  private void tasksBelowDesired(OperationsAlarmsProps props, String prefix, SnsAction notify) {
    Map<String, String> dims =
        Map.of(
            "ClusterName",
            props.cluster().getClusterName(),
            "ServiceName",
            props.apiService().getServiceName());
    Map<String, IMetric> metrics = new LinkedHashMap<>();
    metrics.put("desired", insights("DesiredTaskCount", dims));
    metrics.put("running", insights("RunningTaskCount", dims));
    alarm(
        new AlarmShape(
            "TasksBelowDesired",
            "-api-tasks-below-desired",
            "The API service ran fewer tasks than desired for 15 minutes (tasks crash, fail their"
                + " health check or cannot be placed).",
            RUNBOOK_TASKS_BELOW_DESIRED,
            "FILL(desired, 0) - FILL(running, 0)",
            metrics,
            "desired minus running tasks",
            // a rolling deployment or one replaced task is below desired for a few minutes
            3),
        prefix,
        notify);
  }

  private static Metric insights(String name, Map<String, String> dims) {
    return Metric.Builder.create()
        .namespace("ECS/ContainerInsights")
        .metricName(name)
        .dimensionsMap(dims)
        .statistic("Average")
        .period(PERIOD)
        .build();
  }

  /**
   * The load balancer sees an unhealthy target for 10 minutes, in either target group: blue/green
   * moves production to the other group on every deployment, so an alarm on one group would go
   * blind after the first deployment.
   */
  private void unhealthyTargets(OperationsAlarmsProps props, String prefix, SnsAction notify) {
    Map<String, IMetric> groups = new LinkedHashMap<>();
    List<String> terms = new ArrayList<>();
    for (var group : props.targetGroups()) {
      String id = "group" + groups.size();
      groups.put(
          id,
          group
              .getMetrics()
              .unhealthyHostCount(
                  MetricOptions.builder().statistic("Maximum").period(PERIOD).build()));
      terms.add("FILL(" + id + ", 0)");
    }
    alarm(
        new AlarmShape(
            "UnhealthyTargets",
            "-api-unhealthy-targets",
            "At least one API target failed the load balancer's health check for 10 minutes.",
            RUNBOOK_UNHEALTHY_TARGETS,
            "MAX([" + String.join(", ", terms) + "])",
            groups,
            "unhealthy API targets (the worse target group)",
            2),
        prefix,
        notify);
  }

  /** Scheduler could not start a job's state machine (after its retries) or dropped the start. */
  private void schedulerTargetErrors(OperationsAlarmsProps props, String prefix, SnsAction notify) {
    Map<String, String> group = Map.of("ScheduleGroup", props.scheduleGroup());
    Map<String, IMetric> metrics = new LinkedHashMap<>();
    metrics.put("errors", sum("AWS/Scheduler", "TargetErrorCount", group));
    metrics.put("dropped", sum("AWS/Scheduler", "InvocationDroppedCount", group));
    alarm(
        new AlarmShape(
            "SchedulerTargetErrors",
            "-scheduler-target-errors",
            "EventBridge Scheduler failed to start a job's state machine (TargetErrorCount) or"
                + " dropped a start after its retries (InvocationDroppedCount).",
            RUNBOOK_SCHEDULER_TARGET_ERRORS,
            "FILL(errors, 0) + FILL(dropped, 0)",
            metrics,
            "schedule starts that failed or were dropped",
            1),
        prefix,
        notify);
  }

  /** CloudWatch Logs rejected EMF lines: the metrics behind the other alarms are going missing. */
  private void emfValidationErrors(OperationsAlarmsProps props, String prefix, SnsAction notify) {
    Map<String, IMetric> metrics = new LinkedHashMap<>();
    List<String> terms = new ArrayList<>();
    int i = 0;
    for (String logGroup : props.logGroupNames()) {
      Map<String, String> dims = Map.of("LogGroupName", logGroup);
      metrics.put("invalid" + i, sum("AWS/Logs", "EMFValidationErrors", dims));
      metrics.put("unparsed" + i, sum("AWS/Logs", "EMFParsingErrors", dims));
      terms.add("FILL(invalid" + i + ", 0) + FILL(unparsed" + i + ", 0)");
      i++;
    }
    alarm(
        new AlarmShape(
            "EmfValidationErrors",
            "-emf-validation-errors",
            "CloudWatch Logs rejected embedded metric format lines of the API or the jobs-runner"
                + " (EMFValidationErrors/EMFParsingErrors): the alarms reading those metrics are"
                + " partly blind.",
            RUNBOOK_EMF_VALIDATION_ERRORS,
            String.join(" + ", terms),
            metrics,
            "EMF lines rejected",
            1),
        prefix,
        notify);
  }

  /**
   * The status index (every candidate read of an allocation) throttled, in three periods running.
   */
  private void statusIndexThrottles(OperationsAlarmsProps props, String prefix, SnsAction notify) {
    Map<String, String> dims =
        Map.of(
            "TableName",
            props.table().getTableName(),
            "GlobalSecondaryIndexName",
            TableContract.STATUS_INDEX);
    Map<String, IMetric> metrics = new LinkedHashMap<>();
    metrics.put("reads", sum("AWS/DynamoDB", "ReadThrottleEvents", dims));
    metrics.put("writes", sum("AWS/DynamoDB", "WriteThrottleEvents", dims));
    alarm(
        new AlarmShape(
            "StatusIndexThrottles",
            "-status-index-throttles",
            "The table's "
                + TableContract.STATUS_INDEX
                + " throttled reads or writes in three"
                + " consecutive 5-minute periods (allocations read candidates from it).",
            RUNBOOK_DYNAMODB_THROTTLING,
            "FILL(reads, 0) + FILL(writes, 0)",
            metrics,
            TableContract.STATUS_INDEX + " throttle events",
            3),
        prefix,
        notify);
  }

  /**
   * One message per failed, timed-out or aborted job execution, naming it: the single path for job
   * failures (the state machines have no notify state and there is no ExecutionsFailed alarm, so
   * nothing pages twice). Step Functions sends these status-change events for Standard workflows by
   * default; a redriven execution that fails again is a new failure and notifies again.
   */
  private void jobExecutionFailed(OperationsAlarmsProps props, String prefix) {
    List<String> arns = new ArrayList<>();
    for (IStateMachine machine : props.stateMachines()) {
      arns.add(machine.getStateMachineArn());
    }
    notification(
        props,
        "JobExecutionFailed",
        prefix + "-job-execution-failed",
        "A job execution failed, timed out or was aborted.",
        RUNBOOK_JOB_FAILED,
        EventPattern.builder()
            .source(List.of("aws.states"))
            .detailType(List.of("Step Functions Execution Status Change"))
            .detail(
                Map.of(
                    "status", List.of("FAILED", "TIMED_OUT", "ABORTED"), "stateMachineArn", arns))
            .build(),
        "Sandbox Broker job execution "
            + EventField.fromPath("$.detail.status")
            + ": "
            + EventField.fromPath("$.detail.executionArn")
            + " Error: "
            + EventField.fromPath("$.detail.error")
            + " Cause: "
            + EventField.fromPath("$.detail.cause"));
  }

  /** The API deployment failed; with the circuit breaker's rollback on, ECS is rolling it back. */
  private void deploymentFailed(OperationsAlarmsProps props, String prefix) {
    notification(
        props,
        "DeploymentFailed",
        prefix + "-api-deployment-failed",
        "An API deployment failed and is rolled back.",
        RUNBOOK_DEPLOYMENT_FAILED,
        EventPattern.builder()
            .source(List.of("aws.ecs"))
            .detailType(List.of("ECS Deployment State Change"))
            .resources(List.of(props.apiService().getServiceArn()))
            .detail(Map.of("eventName", List.of("SERVICE_DEPLOYMENT_FAILED")))
            .build(),
        "Sandbox Broker API deployment "
            + EventField.fromPath("$.detail.deploymentId")
            + " failed: "
            + EventField.fromPath("$.detail.reason"));
  }

  /** An EventBridge rule that sends one message to the alarm topic per event, runbook appended. */
  private void notification(
      OperationsAlarmsProps props,
      String id,
      String ruleName,
      String description,
      String runbook,
      EventPattern pattern,
      String message) {
    rules.add(
        Rule.Builder.create(this, id)
            .ruleName(ruleName)
            .description(description + " Runbook: " + runbook)
            .eventPattern(pattern)
            .targets(
                List.of(
                    SnsTopic.Builder.create(props.topic())
                        .message(RuleTargetInput.fromText(message + " Runbook: " + runbook))
                        .build()))
            .build());
  }

  private static Metric sum(String namespace, String name, Map<String, String> dims) {
    return Metric.Builder.create()
        .namespace(namespace)
        .metricName(name)
        .dimensionsMap(dims)
        .statistic("Sum")
        .period(PERIOD)
        .build();
  }

  /**
   * The shape every alarm here has: a math expression over 5-minute metrics (missing data filled
   * with 0) that alarms at 1 or more for {@code periods} periods running, notifies the topic, and
   * names its runbook at the end of its description.
   *
   * @param nameSuffix appended to the stage's name prefix
   */
  private record AlarmShape(
      String id,
      String nameSuffix,
      String description,
      String runbook,
      String expression,
      Map<String, IMetric> metrics,
      String label,
      int periods) {}

  private void alarm(AlarmShape shape, String prefix, SnsAction notify) {
    Alarm alarm =
        Alarm.Builder.create(this, shape.id())
            .alarmName(prefix + shape.nameSuffix())
            .alarmDescription(shape.description() + " Runbook: " + shape.runbook())
            .metric(
                MathExpression.Builder.create()
                    .expression(shape.expression())
                    .usingMetrics(shape.metrics())
                    .label(shape.label())
                    .period(PERIOD)
                    .build())
            .threshold(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .evaluationPeriods(shape.periods())
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    alarm.addAlarmAction(notify);
    alarms.add(alarm);
  }

  public List<Alarm> alarms() {
    return List.copyOf(alarms);
  }

  public List<Rule> rules() {
    return List.copyOf(rules);
  }
}
