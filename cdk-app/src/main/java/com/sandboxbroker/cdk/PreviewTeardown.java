package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.amazon.awscdk.services.scheduler.targets.StepFunctionsStartExecution;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Chain;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.CallAwsService;
import software.amazon.awscdk.services.stepfunctions.tasks.SnsPublish;
import software.constructs.Construct;

/**
 * A preview stage's self-deletion: a one-time EventBridge Scheduler schedule starts, one hour
 * before the deadline, a state machine that warns on SNS, waits until the deadline, scales the API
 * to zero (autoscaling floor first, so nothing scales it back), and deletes the stack.
 * CloudFormation deletes it with the stack's own service role (the CDK bootstrap's execution role),
 * so this role needs only DeleteStack on this one stack. A failed DeleteStack notifies SNS and
 * fails the execution; a failed scale-down does not stop the deletion.
 */
public final class PreviewTeardown extends Construct {
  public static final String WARN_STATE = "WarnExpiry";
  public static final String WAIT_STATE = "WaitUntilExpiry";
  public static final String FLOOR_STATE = "ScalingFloorToZero";
  public static final String SCALE_STATE = "ScaleApiToZero";
  public static final String DELETE_STATE = "DeleteStack";
  public static final String NOTIFY_FAILED_STATE = "NotifyTeardownFailed";
  public static final String FAILED_STATE = "TeardownFailed";

  private final StateMachine stateMachine;
  private final Schedule schedule;

  public PreviewTeardown(Construct scope, String id, PreviewTeardownProps props) {
    super(scope, id);
    String stage = props.stage();
    SnsPublish warn = warn(stage, props.topic());
    Wait wait =
        Wait.Builder.create(this, WAIT_STATE)
            .stateName(WAIT_STATE)
            .time(WaitTime.timestampPath("$.deleteAt"))
            .build();
    CallAwsService floor = scalingFloorToZero(props);
    CallAwsService scale = scaleToZero(props);
    CallAwsService delete = deleteStack();
    SnsPublish notifyFailed = notifyFailed(stage, props.topic());
    Fail failed =
        Fail.Builder.create(this, FAILED_STATE)
            .stateName(FAILED_STATE)
            .errorPath("$.error.Error")
            .causePath("$.error.Cause")
            .build();

    // a scale-down that fails (the service already gone, throttling) must not keep the stack alive
    floor.addCatch(
        scale,
        CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.scaleError").build());
    scale.addCatch(
        delete,
        CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.scaleError").build());
    delete.addCatch(
        notifyFailed.next(failed),
        CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build());

    this.stateMachine = stateMachine(props, warn.next(wait).next(floor).next(scale).next(delete));
    props.topic().grantPublish(stateMachine);
    this.schedule = schedule(stage, props.preview());
    acknowledgeFindings();
  }

  private SnsPublish warn(String stage, ITopic topic) {
    return SnsPublish.Builder.create(this, WARN_STATE)
        .stateName(WARN_STATE)
        .topic(topic)
        .subject("Sandbox Broker preview " + stage + " is deleted in one hour")
        .message(
            TaskInput.fromText(
                JsonPath.format(
                    "Preview stage "
                        + stage
                        + " (stack {}) will be scaled to zero and deleted at {}."
                        + " Deploy it again to start a new TTL.",
                    JsonPath.stringAt("$.stackName"),
                    JsonPath.stringAt("$.deleteAt"))))
        .resultPath(JsonPath.DISCARD)
        .build();
  }

  /** The autoscaling floor goes first, so nothing scales the service back up. */
  private CallAwsService scalingFloorToZero(PreviewTeardownProps props) {
    String resourceId = "service/" + props.clusterName() + "/" + props.serviceName();
    return CallAwsService.Builder.create(this, FLOOR_STATE)
        .stateName(FLOOR_STATE)
        .service("applicationautoscaling")
        .action("registerScalableTarget")
        .parameters(
            Map.of(
                "ServiceNamespace",
                "ecs",
                "ResourceId",
                resourceId,
                "ScalableDimension",
                "ecs:service:DesiredCount",
                "MinCapacity",
                0,
                "MaxCapacity",
                0))
        // RegisterScalableTarget has no resource-level permissions
        .iamResources(List.of("*"))
        .iamAction("application-autoscaling:RegisterScalableTarget")
        .resultPath(JsonPath.DISCARD)
        .build();
  }

  private CallAwsService scaleToZero(PreviewTeardownProps props) {
    String clusterName = props.clusterName();
    String serviceName = props.serviceName();
    return CallAwsService.Builder.create(this, SCALE_STATE)
        .stateName(SCALE_STATE)
        .service("ecs")
        .action("updateService")
        .parameters(Map.of("Cluster", clusterName, "Service", serviceName, "DesiredCount", 0))
        .iamAction("ecs:UpdateService")
        .iamResources(
            List.of(
                Stack.of(this)
                    .formatArn(
                        ArnComponents.builder()
                            .service("ecs")
                            .resource("service")
                            .resourceName(clusterName + "/" + serviceName)
                            .build())))
        .resultPath(JsonPath.DISCARD)
        .build();
  }

  /** CloudFormation deletes the stack with its own service role: this needs DeleteStack only. */
  private CallAwsService deleteStack() {
    return CallAwsService.Builder.create(this, DELETE_STATE)
        .stateName(DELETE_STATE)
        .service("cloudformation")
        .action("deleteStack")
        .parameters(Map.of("StackName", JsonPath.stringAt("$.stackName")))
        .iamAction("cloudformation:DeleteStack")
        .iamResources(List.of(Stack.of(this).getStackId()))
        .resultPath(JsonPath.DISCARD)
        .build();
  }

  private SnsPublish notifyFailed(String stage, ITopic topic) {
    return SnsPublish.Builder.create(this, NOTIFY_FAILED_STATE)
        .stateName(NOTIFY_FAILED_STATE)
        .topic(topic)
        .subject("Sandbox Broker preview " + stage + " could not delete itself")
        .message(
            TaskInput.fromText(
                JsonPath.format(
                    "DeleteStack for {} failed: {} {}. Delete it by hand: aws cloudformation delete-stack --stack-name {}",
                    JsonPath.stringAt("$.stackName"),
                    JsonPath.stringAt("$.error.Error"),
                    JsonPath.stringAt("$.error.Cause"),
                    JsonPath.stringAt("$.stackName"))))
        .resultPath(JsonPath.DISCARD)
        .build();
  }

  private StateMachine stateMachine(PreviewTeardownProps props, Chain definition) {
    String stage = props.stage();
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .logGroupName("/aws/vendedlogs/states/sandbox-broker-" + stage + "-teardown")
            .retention(props.logRetention())
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    return StateMachine.Builder.create(this, "StateMachine")
        .stateMachineName("sandbox-broker-" + stage + "-teardown")
        .stateMachineType(StateMachineType.STANDARD)
        .definitionBody(DefinitionBody.fromChainable(definition))
        // the wait is one hour; the rest takes seconds
        .timeout(Duration.hours(2))
        .tracingEnabled(true)
        .logs(
            LogOptions.builder()
                .destination(logs)
                .level(LogLevel.ALL)
                .includeExecutionData(true)
                .build())
        .build();
  }

  /** One-time, at the warning: the execution waits out the last hour itself. */
  private Schedule schedule(String stage, DeliverySettings.Preview preview) {
    String deleteAt = DateTimeFormatter.ISO_INSTANT.format(preview.deleteAt());
    Stack stack = Stack.of(this);
    return Schedule.Builder.create(this, "Schedule")
        .scheduleName("sandbox-broker-" + stage + "-teardown")
        .description("Warns, then deletes preview stage " + stage + " at " + deleteAt)
        .schedule(ScheduleExpression.at(preview.warnAt()))
        .target(
            new StepFunctionsStartExecution(
                stateMachine,
                ScheduleTargetBaseProps.builder()
                    .input(
                        ScheduleTargetInput.fromObject(
                            Map.of("stackName", stack.getStackName(), "deleteAt", deleteAt)))
                    .retryAttempts(10)
                    .maxEventAge(Duration.hours(1))
                    .build()))
        .build();
  }

  private void acknowledgeFindings() {
    NagSuppressions.addResourceSuppressions(
        stateMachine,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "application-autoscaling:RegisterScalableTarget, X-Ray and CloudWatch Logs"
                        + " delivery have no resource-level permissions: IAM requires Resource *."
                        + " Publishing to the KMS-encrypted topic needs kms:GenerateDataKey*.")
                .appliesTo(IamWildcards.TEARDOWN_STATE_MACHINE)
                .build()),
        true);
  }

  public StateMachine stateMachine() {
    return stateMachine;
  }

  public Schedule schedule() {
    return schedule;
  }
}
