package com.sandboxbroker.cdk;

import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.job.JobError;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ecs.FargatePlatformVersion;
import software.amazon.awscdk.services.ecs.PropagatedTagSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JitterType;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.tasks.ContainerOverride;
import software.amazon.awscdk.services.stepfunctions.tasks.EcsFargateLaunchTarget;
import software.amazon.awscdk.services.stepfunctions.tasks.EcsFargateLaunchTargetOptions;
import software.amazon.awscdk.services.stepfunctions.tasks.EcsRunTask;
import software.amazon.awscdk.services.stepfunctions.tasks.TaskEnvironmentVariable;
import software.constructs.Construct;

/**
 * One job's Standard state machine: run the jobs-runner as an ECS task and wait for its task-token
 * callback; retry transient failures with backoff and jitter; otherwise the execution fails in that
 * one state, which is what lets a redrive re-run the job.
 */
public final class JobStateMachine extends Construct {
  /** State names: the ASL tests and the runbooks refer to them. */
  public static final String RUN_STATE = "RunJob";

  /** Errors the runner reports for a run that may succeed if simply run again (design §6). */
  public static final List<String> TRANSIENT_JOB_ERRORS =
      List.of(JobError.UPSTREAM_UNAVAILABLE.errorName(), "States.HeartbeatTimeout");

  /**
   * Errors of the RunTask call itself. ECS reports "Capacity is unavailable at this time" (and
   * throttling) as ECS.AmazonECSException; ServerException is ECS's own 5xx.
   */
  public static final List<String> ECS_CAPACITY_ERRORS =
      List.of("ECS.AmazonECSException", "ECS.ServerException");

  private final StateMachine stateMachine;

  public JobStateMachine(Construct scope, String id, JobStateMachineProps props) {
    super(scope, id);
    EcsRunTask runJob = runJob(props);
    addRetries(runJob);
    // No Catch, no notify state, no Fail state: a run that fails for good fails the execution IN
    // RunJob, so `aws stepfunctions redrive-execution` re-runs the job (redrive restarts the
    // failed state; with a Catch → Fail it would re-enter Fail and fail again at once). The one
    // notification per failed execution comes from OperationsAlarms' EventBridge rule, which
    // also sees executions that time out or are aborted, which no Catch can.

    this.stateMachine = stateMachine(props, runJob);
    suppressNagFindings(stateMachine);
  }

  /** The one state: RunTask with a task token, the job's name as the container's command. */
  private EcsRunTask runJob(JobStateMachineProps props) {
    String job = props.job().wireName();
    return EcsRunTask.Builder.create(this, RUN_STATE)
        .stateName(RUN_STATE)
        .comment("Run `jobs-runner " + job + "` and wait for its SendTaskSuccess/SendTaskFailure")
        .integrationPattern(IntegrationPattern.WAIT_FOR_TASK_TOKEN)
        .cluster(props.cluster())
        .taskDefinition(props.jobsTask().taskDefinition())
        .launchTarget(
            new EcsFargateLaunchTarget(
                EcsFargateLaunchTargetOptions.builder()
                    .platformVersion(FargatePlatformVersion.LATEST)
                    .build()))
        .subnets(props.subnets())
        .assignPublicIp(props.assignPublicIp())
        // cost allocation: each run carries the task definition's tags (project, stage, owner)
        .propagatedTagSource(PropagatedTagSource.TASK_DEFINITION)
        .securityGroups(List.of(props.securityGroup()))
        .containerOverrides(
            List.of(
                ContainerOverride.builder()
                    .containerDefinition(props.jobsTask().container())
                    .command(List.of(job))
                    .environment(
                        List.of(
                            TaskEnvironmentVariable.builder()
                                .name(JobsEnvironment.TASK_TOKEN.name())
                                .value(JsonPath.getTaskToken())
                                .build(),
                            TaskEnvironmentVariable.builder()
                                .name(JobsEnvironment.EXECUTION_ARN.name())
                                .value(JsonPath.getExecutionId())
                                .build()))
                    .build()))
        .heartbeatTimeout(Timeout.duration(Duration.seconds(props.heartbeatTimeout().toSeconds())))
        .taskTimeout(Timeout.duration(Duration.seconds(props.taskTimeout().toSeconds())))
        // keep the execution input; the runner's JSON report becomes $.report
        .resultPath("$.report")
        .build();
  }

  private static void addRetries(EcsRunTask runJob) {
    // A transient job failure: the next attempt starts from scratch, which every job allows
    // (design §6). 1 min, 2 min, 4 min with full jitter, so a recovering upstream is not hit by
    // retries in lock-step; 3 retries fit well inside one schedule period of the slowest job.
    runJob.addRetry(
        RetryProps.builder()
            .errors(TRANSIENT_JOB_ERRORS)
            .interval(Duration.seconds(60))
            .backoffRate(2)
            .maxAttempts(3)
            .maxDelay(Duration.minutes(5))
            .jitterStrategy(JitterType.FULL)
            .build());
    // Fargate capacity usually returns within seconds to minutes: start sooner, try more often.
    runJob.addRetry(
        RetryProps.builder()
            .errors(ECS_CAPACITY_ERRORS)
            .interval(Duration.seconds(15))
            .backoffRate(2)
            .maxAttempts(5)
            .maxDelay(Duration.minutes(4))
            .jitterStrategy(JitterType.FULL)
            .build());
  }

  private StateMachine stateMachine(JobStateMachineProps props, EcsRunTask runJob) {
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            // the /aws/vendedlogs/ prefix keeps CloudWatch's log resource policy from growing per
            // group
            .logGroupName("/aws/vendedlogs/states/" + props.stateMachineName())
            .retention(props.logRetention())
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    return StateMachine.Builder.create(this, "StateMachine")
        .stateMachineName(props.stateMachineName())
        // Standard: exactly-once state transitions, up to a year, execution history for redrive
        .stateMachineType(StateMachineType.STANDARD)
        .definitionBody(DefinitionBody.fromChainable(runJob))
        // every attempt may take the full task timeout, plus the capped retry delays
        .timeout(Duration.seconds(props.taskTimeout().multipliedBy(4).plusMinutes(20).toSeconds()))
        .tracingEnabled(true)
        .logs(
            LogOptions.builder()
                .destination(logs)
                .level(LogLevel.ALL)
                .includeExecutionData(true)
                .build())
        .build();
  }

  private static void suppressNagFindings(StateMachine stateMachine) {
    NagSuppressions.addResourceSuppressions(
        stateMachine,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "ecs:RunTask is granted on the jobs task definition's family (revision *) so a"
                        + " new revision can run without a state machine update; ecs:DescribeTasks/"
                        + "StopTask, CloudWatch Logs delivery and X-Ray actions have no resource-level"
                        + " permissions and need Resource *. Publishing to the KMS-encrypted alarm"
                        + " topic needs kms:GenerateDataKey*.")
                .appliesTo(IamWildcards.JOB_STATE_MACHINE)
                .build()),
        true);
  }

  public StateMachine stateMachine() {
    return stateMachine;
  }
}
