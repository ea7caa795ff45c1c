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
 * A preview stage's self-deletion (issue #15): a one-time EventBridge Scheduler schedule starts,
 * one hour before the deadline, a state machine that warns on SNS, waits until the deadline, scales
 * the API to zero (autoscaling floor first, so nothing scales it back), and deletes the stack.
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
    DeliverySettings.Preview preview = props.preview();
    String clusterName = props.clusterName();
    String serviceName = props.serviceName();
    ITopic topic = props.topic();
    Stack stack = Stack.of(this);
    String deleteAt = DateTimeFormatter.ISO_INSTANT.format(preview.deleteAt());

    SnsPublish warn =
        SnsPublish.Builder.create(this, WARN_STATE)
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
    Wait wait =
        Wait.Builder.create(this, WAIT_STATE)
            .stateName(WAIT_STATE)
            .time(WaitTime.timestampPath("$.deleteAt"))
            .build();
    String resourceId = "service/" + clusterName + "/" + serviceName;
    CallAwsService floor =
        CallAwsService.Builder.create(this, FLOOR_STATE)
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
    CallAwsService scale =
        CallAwsService.Builder.create(this, SCALE_STATE)
            .stateName(SCALE_STATE)
            .service("ecs")
            .action("updateService")
            .parameters(Map.of("Cluster", clusterName, "Service", serviceName, "DesiredCount", 0))
            .iamAction("ecs:UpdateService")
            .iamResources(
                List.of(
                    stack.formatArn(
                        ArnComponents.builder()
                            .service("ecs")
                            .resource("service")
                            .resourceName(clusterName + "/" + serviceName)
                            .build())))
            .resultPath(JsonPath.DISCARD)
            .build();
    CallAwsService delete =
        CallAwsService.Builder.create(this, DELETE_STATE)
            .stateName(DELETE_STATE)
            .service("cloudformation")
            .action("deleteStack")
            .parameters(Map.of("StackName", JsonPath.stringAt("$.stackName")))
            .iamAction("cloudformation:DeleteStack")
            .iamResources(List.of(stack.getStackId()))
            .resultPath(JsonPath.DISCARD)
            .build();
    SnsPublish notifyFailed =
        SnsPublish.Builder.create(this, NOTIFY_FAILED_STATE)
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

    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .logGroupName("/aws/vendedlogs/states/sandbox-broker-" + stage + "-teardown")
            .retention(props.logRetention())
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    this.stateMachine =
        StateMachine.Builder.create(this, "StateMachine")
            .stateMachineName("sandbox-broker-" + stage + "-teardown")
            .stateMachineType(StateMachineType.STANDARD)
            .definitionBody(
                DefinitionBody.fromChainable(warn.next(wait).next(floor).next(scale).next(delete)))
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
    topic.grantPublish(stateMachine);

    this.schedule =
        Schedule.Builder.create(this, "Schedule")
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
