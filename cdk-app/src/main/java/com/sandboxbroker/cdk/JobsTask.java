package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.TreeMap;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.MountPoint;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.Volume;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The jobs-runner task definition. One definition serves all three jobs: the state machine passes
 * the job name as the container command and the task token / execution ARN as environment overrides
 * (design §6).
 */
public final class JobsTask extends Construct {
  /** The container's name, which the state machines' container overrides address. */
  public static final String CONTAINER_NAME = "jobs-runner";

  private final FargateTaskDefinition taskDefinition;
  private final ContainerDefinition container;

  public JobsTask(Construct scope, String id, JobsTaskProps props) {
    super(scope, id);
    this.taskDefinition = taskDefinition(props);
    this.container = addContainer(props, logGroup(props));
    mountScratchVolume();
    grant(props);
    acknowledgeFindings();
  }

  private FargateTaskDefinition taskDefinition(JobsTaskProps props) {
    return FargateTaskDefinition.Builder.create(this, "TaskDefinition")
        .cpu(props.cpu())
        .memoryLimitMiB(props.memoryMiB())
        // Graviton: about 20 % cheaper per vCPU-hour on Fargate, and the image is built for it
        .runtimePlatform(
            RuntimePlatform.builder()
                .cpuArchitecture(CpuArchitecture.ARM64)
                .operatingSystemFamily(OperatingSystemFamily.LINUX)
                .build())
        .build();
  }

  private LogGroup logGroup(JobsTaskProps props) {
    return LogGroup.Builder.create(this, "Logs")
        .logGroupName(props.logGroupName())
        .retention(props.logRetention())
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }

  private ContainerDefinition addContainer(JobsTaskProps props, LogGroup logs) {
    return taskDefinition.addContainer(
        CONTAINER_NAME,
        ContainerDefinitionOptions.builder()
            .image(props.image())
            .containerName(CONTAINER_NAME)
            // sorted, so the synthesized template is stable between runs
            .environment(new TreeMap<>(props.environment()))
            .secrets(new TreeMap<>(props.secrets()))
            .logging(
                LogDriver.awsLogs(
                    AwsLogDriverProps.builder().logGroup(logs).streamPrefix("job").build()))
            // the runner is a batch process: when it exits the task is done
            .essential(true)
            // nothing in the image is writable; the JVM's scratch space is the /tmp volume below
            .readonlyRootFilesystem(true)
            .build());
  }

  /** The JVM's scratch space: the root filesystem is read-only. */
  private void mountScratchVolume() {
    taskDefinition.addVolume(Volume.builder().name("tmp").build());
    container.addMountPoints(
        MountPoint.builder().sourceVolume("tmp").containerPath("/tmp").readOnly(false).build());
  }

  private void grant(JobsTaskProps props) {
    props.table().grantReadWriteData(taskDefinition.getTaskRole());
    // The runner reports to Step Functions itself with the task token (design §6).
    taskDefinition.addToTaskRolePolicy(
        PolicyStatement.Builder.create()
            .actions(
                List.of(
                    "states:SendTaskHeartbeat", "states:SendTaskSuccess", "states:SendTaskFailure"))
            .resources(List.of("*"))
            .build());
  }

  private void acknowledgeFindings() {
    NagSuppressions.addResourceSuppressions(
        taskDefinition,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-ECS2")
                .reason(
                    "Only non-secret settings (table name, region, provider URLs, feature flags) are"
                        + " plain environment variables; every JobsEnvironment SECRET comes from"
                        + " Secrets Manager (a test asserts it).")
                .build(),
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "states:SendTask* have no resource-level permissions (the task token is the"
                        + " credential), so IAM requires Resource *. The table grant's <table>/index/*"
                        + " is the StatusIndex the jobs query.")
                .appliesTo(IamWildcards.TABLE_INDEXES_AND_ECR_TOKEN)
                .build()),
        true);
  }

  public FargateTaskDefinition taskDefinition() {
    return taskDefinition;
  }

  public ContainerDefinition container() {
    return container;
  }
}
