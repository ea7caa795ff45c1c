package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargatePlatformVersion;
import software.amazon.awscdk.services.ecs.HealthCheck;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.MemoryUtilizationScalingProps;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.RequestCountScalingProps;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.ecs.patterns.ApplicationLoadBalancedFargateService;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The API: Fargate (ARM64) tasks behind an internet-facing ALB that only speaks HTTPS to clients
 * (HTTP redirects), autoscaling on CPU, memory and requests per target, and a deployment circuit
 * breaker that rolls a failing deployment back. The admin port (8081, Prometheus metrics) is not
 * registered with the ALB.
 */
public final class ApiService extends Construct {
  /** The application port; config.yml's applicationConnectors. */
  public static final int APP_PORT = 8080;

  /** The target group's health check path, served by the application port. */
  public static final String HEALTH_PATH = "/healthz";

  public static final String CONTAINER_NAME = "service";

  /**
   * GET /healthz on the app port must answer 200; the Dockerfile's HEALTHCHECK runs the same bash
   * script (bash, not sh: /dev/tcp is a bash feature and the JRE image has no curl).
   */
  public static final String CONTAINER_HEALTH_COMMAND =
      "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3"
          + " && head -n 1 <&3 | grep -q ' 200 '";

  private final ApplicationLoadBalancedFargateService service;

  public ApiService(Construct scope, String id, ApiServiceProps props) {
    super(scope, id);
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .logGroupName(props.logGroupName())
            .retention(props.logRetention())
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    FargateTaskDefinition taskDefinition =
        FargateTaskDefinition.Builder.create(this, "TaskDefinition")
            .cpu(props.sizing().cpu())
            .memoryLimitMiB(props.sizing().memoryMiB())
            // Graviton: about 20 % cheaper per vCPU-hour on Fargate, and the image is built for it
            .runtimePlatform(
                RuntimePlatform.builder()
                    .cpuArchitecture(CpuArchitecture.ARM64)
                    .operatingSystemFamily(OperatingSystemFamily.LINUX)
                    .build())
            .build();
    taskDefinition.addContainer(
        CONTAINER_NAME,
        ContainerDefinitionOptions.builder()
            .image(props.image())
            .containerName(CONTAINER_NAME)
            .portMappings(List.of(PortMapping.builder().containerPort(APP_PORT).build()))
            // sorted, so the synthesized template is stable between runs
            .environment(new TreeMap<>(props.environment()))
            .secrets(new TreeMap<>(props.secrets()))
            .logging(LogDriver.awsLogs(AwsLogDriverProps.builder().logGroup(logs).streamPrefix("api").build()))
            // the Dockerfile's HEALTHCHECK probe (ECS ignores the image's): a wedged task is replaced
            // even when the ALB still routes to other targets; bash's /dev/tcp needs no curl in the image
            .healthCheck(
                HealthCheck.builder()
                    .command(List.of("CMD", "bash", "-c", CONTAINER_HEALTH_COMMAND))
                    .interval(Duration.seconds(30))
                    .timeout(Duration.seconds(5))
                    .retries(3)
                    .startPeriod(Duration.seconds(60))
                    .build())
            .build());
    this.service =
        ApplicationLoadBalancedFargateService.Builder.create(this, "Service")
            .serviceName(props.serviceName())
            .cluster(props.cluster())
            .taskDefinition(taskDefinition)
            .taskSubnets(props.subnets())
            .assignPublicIp(false)
            .publicLoadBalancer(true)
            .desiredCount(props.sizing().minTasks())
            .minHealthyPercent(100)
            .maxHealthyPercent(200)
            .platformVersion(FargatePlatformVersion.LATEST)
            .protocol(ApplicationProtocol.HTTPS)
            .certificate(Certificate.fromCertificateArn(this, "Certificate", props.certificateArn()))
            .sslPolicy(SslPolicy.RECOMMENDED_TLS)
            .redirectHttp(true)
            .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
            // Dropwizard with DynamoDB clients needs ~20 s to start; the default 0 s grace would
            // let the first failing health checks kill tasks that are still starting
            .healthCheckGracePeriod(Duration.seconds(60))
            .build();

    service.getTargetGroup()
        .configureHealthCheck(
            software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck.builder()
                .path(HEALTH_PATH)
                .healthyHttpCodes("200")
                .interval(Duration.seconds(15))
                .healthyThresholdCount(2)
                .unhealthyThresholdCount(3)
                .build());
    // in-flight allocations finish well within 30 s (the claim budget is 10 s); the 300 s default
    // only slows deployments down
    service.getTargetGroup().setAttribute("deregistration_delay.timeout_seconds", "30");


    // Scaling: CPU for the allocate path, memory for a leak or a large candidate buffer, requests
    // per target because DynamoDB latency, not CPU, bounds allocate throughput.
    ScalableTaskCount scaling =
        service.getService()
            .autoScaleTaskCount(
                EnableScalingProps.builder()
                    .minCapacity(props.sizing().minTasks())
                    .maxCapacity(props.sizing().maxTasks())
                    .build());
    scaling.scaleOnCpuUtilization(
        "Cpu", CpuUtilizationScalingProps.builder().targetUtilizationPercent(60).build());
    scaling.scaleOnMemoryUtilization(
        "Memory", MemoryUtilizationScalingProps.builder().targetUtilizationPercent(75).build());
    scaling.scaleOnRequestCount(
        "Requests",
        RequestCountScalingProps.builder()
            .requestsPerTarget(props.sizing().requestsPerTargetPerMinute())
            .targetGroup(service.getTargetGroup())
            .build());

    props.table().grantReadWriteData(service.getTaskDefinition().getTaskRole());
    for (IStateMachine machine : props.jobStateMachines()) {
      // the admin API's "run sync/cleanup/expiry now" starts the same state machines
      machine.grantStartExecution(service.getTaskDefinition().getTaskRole());
    }

    // after the grants: the policy they create must exist when the acknowledgement is attached
    NagSuppressions.addResourceSuppressions(
        service.getTaskDefinition(),
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-ECS2")
                .reason(
                    "Only non-secret settings (store mode, table name, region, state machine ARNs)"
                        + " are plain environment variables; the track and admin tokens come from"
                        + " Secrets Manager (a test asserts no ServiceEnvironment secret is plain).")
                .build(),
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "The table grant includes <table>/index/*: the service queries StatusIndex."
                        + " Execution-role log stream and ECR wildcards come from CDK's grants.")
                .build()),
        true);

    Bucket accessLogs =
        Bucket.Builder.create(this, "AccessLogs")
            // ALB access logs support only SSE-S3
            .encryption(BucketEncryption.S3_MANAGED)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .enforceSsl(true)
            .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
            // 90 days covers an incident review and a billing dispute with a lab platform
            .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(90)).build()))
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    NagSuppressions.addResourceSuppressions(
        accessLogs,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason(
                    "This bucket only receives ALB access logs; logging access to the log bucket"
                        + " into another bucket would need a log bucket for that one too.")
                .build()));
    service.getLoadBalancer().logAccessLogs(accessLogs, "alb");
    NagSuppressions.addResourceSuppressions(
        service.getLoadBalancer(),
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-EC23")
                .reason(
                    "The ALB is the public API for lab platforms whose egress addresses are not"
                        + " fixed: 0.0.0.0/0 on 80 (redirect only) and 443. WAF filters in front.")
                .build()),
        true);
  }

  public ApplicationLoadBalancedFargateService service() {
    return service;
  }
}
