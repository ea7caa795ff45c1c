package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ecs.AlarmBehavior;
import software.amazon.awscdk.services.ecs.AlternateTarget;
import software.amazon.awscdk.services.ecs.AlternateTargetProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.ecs.DeploymentAlarmConfig;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.DeploymentStrategy;
import software.amazon.awscdk.services.ecs.FargatePlatformVersion;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.HealthCheck;
import software.amazon.awscdk.services.ecs.ListenerRuleConfiguration;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.PropagatedTagSource;
import software.amazon.awscdk.services.ecs.Protocol;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListenerRule;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancerRedirectConfig;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.FixedResponseOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeElb;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCondition;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.elasticloadbalancingv2.WeightedTargetGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The API: Fargate (ARM64) tasks behind an ALB, deployed blue/green by ECS itself (issue #15).
 *
 * <p>Two target groups: the production listener rule forwards to the live one; a deployment
 * registers the new tasks in the other, routes the test listener to them, shifts production
 * traffic, keeps the old tasks for the bake time, and rolls back (traffic to the old tasks) when a
 * rollback alarm fires or the circuit breaker trips. The ALB is internet-facing with HTTPS (HTTP
 * redirects), or internal on HTTP when API Gateway is the ingress. Autoscaling tracks CPU only (see
 * below). The admin port (8081, Prometheus metrics) is not registered with the ALB.
 */
public final class ApiService extends Construct {
  /** The application port; config.yml's applicationConnectors. */
  public static final int APP_PORT = 8080;

  /** The target group's health check path, served by the application port. */
  public static final String HEALTH_PATH = "/healthz";

  public static final String CONTAINER_NAME = "service";

  /** Production listener: HTTPS for clients (ALB ingress) or HTTP inside the VPC (API Gateway). */
  public static final int HTTPS_PORT = 443;

  public static final int INTERNAL_HTTP_PORT = 80;

  /**
   * The test listener: during a deployment ECS routes it to the new tasks before production traffic
   * moves. Open to the VPC only (a lifecycle hook or an operator on a bastion uses it).
   */
  public static final int TEST_PORT = 8443;

  public static final int INTERNAL_TEST_PORT = 8080;

  /**
   * GET /healthz on the app port must answer 200; the Dockerfile's HEALTHCHECK runs the same bash
   * script (bash, not sh: /dev/tcp is a bash feature and the JRE image has no curl).
   */
  public static final String CONTAINER_HEALTH_COMMAND =
      "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3"
          + " && head -n 1 <&3 | grep -q ' 200 '";

  private final ApplicationLoadBalancer loadBalancer;
  private final ApplicationTargetGroup blue;
  private final ApplicationTargetGroup green;
  private final FargateService fargateService;
  private final FargateTaskDefinition taskDefinition;
  private final ApplicationListener productionListener;
  private final List<Alarm> rollbackAlarms;

  public ApiService(Construct scope, String id, ApiServiceProps props) {
    super(scope, id);
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .logGroupName(props.logGroupName())
            .retention(props.logRetention())
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    this.taskDefinition =
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
            .logging(
                LogDriver.awsLogs(
                    AwsLogDriverProps.builder().logGroup(logs).streamPrefix("api").build()))
            // the Dockerfile's HEALTHCHECK probe (ECS ignores the image's): a wedged task is
            // replaced
            // even when the ALB still routes to other targets; bash's /dev/tcp needs no curl in the
            // image
            .healthCheck(
                HealthCheck.builder()
                    .command(List.of("CMD", "bash", "-c", CONTAINER_HEALTH_COMMAND))
                    .interval(Duration.seconds(30))
                    .timeout(Duration.seconds(5))
                    .retries(3)
                    .startPeriod(Duration.seconds(60))
                    .build())
            .build());
    var vpc = props.cluster().getVpc();
    this.loadBalancer =
        ApplicationLoadBalancer.Builder.create(this, "LB")
            .vpc(vpc)
            .internetFacing(props.internetFacing())
            // internal: in the tasks' private subnets, where the API Gateway VPC link reaches it
            .vpcSubnets(props.internetFacing() ? null : props.subnets())
            .build();
    this.blue = targetGroup("Blue", vpc);
    this.green = targetGroup("Green", vpc);

    boolean https = props.certificate() != null;
    int productionPort = https ? HTTPS_PORT : INTERNAL_HTTP_PORT;
    int testPort = https ? TEST_PORT : INTERNAL_TEST_PORT;
    this.productionListener = listener("Listener", productionPort, props, props.internetFacing());
    ApplicationListener testListener = listener("TestListener", testPort, props, false);
    // the listeners' own rules are what ECS re-weights during a deployment; the default action
    // only answers a request no rule matches, which the catch-all rules leave none of
    ApplicationListenerRule productionRule = catchAllRule("ProductionRule", productionListener);
    ApplicationListenerRule testRule = catchAllRule("TestRule", testListener);
    // the literal range (Network's), not the VPC's CidrBlock attribute, so the rule is checkable
    var vpcCidr = Peer.ipv4(Network.VPC_CIDR);
    if (props.internetFacing()) {
      productionListener
          .getConnections()
          .allowDefaultPortFromAnyIpv4("clients (WAF filters in front)");
      ApplicationListener redirect =
          loadBalancer.addRedirect(
              ApplicationLoadBalancerRedirectConfig.builder()
                  .sourcePort(80)
                  .targetPort(HTTPS_PORT)
                  .sourceProtocol(ApplicationProtocol.HTTP)
                  .targetProtocol(ApplicationProtocol.HTTPS)
                  .open(true)
                  .build());
      redirect.getNode().addDependency(productionListener);
    } else {
      productionListener
          .getConnections()
          .allowDefaultPortFrom(vpcCidr, "the API Gateway VPC link, inside the VPC");
    }
    testListener
        .getConnections()
        .allowDefaultPortFrom(vpcCidr, "deployment tests from inside the VPC only");

    this.rollbackAlarms = rollbackAlarms(props);
    this.fargateService =
        FargateService.Builder.create(this, "Service")
            .serviceName(props.serviceName())
            .cluster(props.cluster())
            .taskDefinition(taskDefinition)
            .vpcSubnets(props.subnets())
            .assignPublicIp(false)
            .desiredCount(props.sizing().minTasks())
            .platformVersion(FargatePlatformVersion.LATEST)
            .deploymentStrategy(DeploymentStrategy.BLUE_GREEN)
            .bakeTime(Duration.seconds(props.deployment().bakeTime().toSeconds()))
            .minHealthyPercent(100)
            .maxHealthyPercent(200)
            .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
            .deploymentAlarms(
                DeploymentAlarmConfig.builder()
                    .alarmNames(rollbackAlarms.stream().map(Alarm::getAlarmName).toList())
                    .behavior(AlarmBehavior.ROLLBACK_ON_ALARM)
                    .build())
            // cost allocation: tasks carry the service's tags (project, stage, owner)
            .propagateTags(PropagatedTagSource.SERVICE)
            .enableEcsManagedTags(true)
            // Dropwizard with DynamoDB clients needs ~20 s to start; the default 0 s grace would
            // let the first failing health checks kill tasks that are still starting
            .healthCheckGracePeriod(Duration.seconds(60))
            .build();
    rollbackAlarms.forEach(a -> fargateService.getNode().addDependency(a));
    fargateService
        .getConnections()
        .allowFrom(loadBalancer, Port.tcp(APP_PORT), "ALB to the application port");
    fargateService
        .loadBalancerTarget(
            LoadBalancerTargetOptions.builder()
                .containerName(CONTAINER_NAME)
                .containerPort(APP_PORT)
                .protocol(Protocol.TCP)
                .alternateTarget(
                    new AlternateTarget(
                        "AlternateTarget",
                        AlternateTargetProps.builder()
                            .alternateTargetGroup(green)
                            .productionListener(
                                ListenerRuleConfiguration.applicationListenerRule(productionRule))
                            .testListener(
                                ListenerRuleConfiguration.applicationListenerRule(testRule))
                            .build()))
                .build())
        .attachToApplicationTargetGroup(blue);
    NagSuppressions.addResourceSuppressions(
        fargateService,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason(
                    "The role ECS assumes to move listener rules between the two target groups during"
                        + " a blue/green deployment uses AWS's policy for exactly that job, which AWS"
                        + " keeps in step with what ECS calls.")
                .appliesTo(
                    List.of(
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"))
                .build()),
        true);

    // Scaling on CPU only. Memory target tracking never lets a JVM scale in (the heap is sized
    // to the task and stays committed), and Application Auto Scaling scales in only when every
    // policy agrees; request count per target follows one target group, which blue/green swaps
    // on every deployment. Allocation is DynamoDB-bound, but its CPU cost per request is steady
    // (README Performance), so CPU tracks load.
    ScalableTaskCount scaling =
        fargateService.autoScaleTaskCount(
            EnableScalingProps.builder()
                .minCapacity(props.sizing().minTasks())
                .maxCapacity(props.sizing().maxTasks())
                .build());
    scaling.scaleOnCpuUtilization(
        "Cpu", CpuUtilizationScalingProps.builder().targetUtilizationPercent(60).build());

    props.table().grantReadWriteData(taskDefinition.getTaskRole());
    for (IStateMachine machine : props.jobStateMachines()) {
      // the admin API's "run sync/cleanup/expiry now" starts the same state machines
      machine.grantStartExecution(taskDefinition.getTaskRole());
    }

    // after the grants: the policy they create must exist when the acknowledgement is attached
    NagSuppressions.addResourceSuppressions(
        taskDefinition,
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
                        + " The execution role's ecr:GetAuthorizationToken has no resource-level"
                        + " permission (IAM requires Resource *).")
                .appliesTo(IamWildcards.TABLE_INDEXES_AND_ECR_TOKEN)
                .build()),
        true);

    if (props.accessLogs()) {
      Bucket accessLogBucket =
          Bucket.Builder.create(this, "AccessLogs")
              // ALB access logs support only SSE-S3
              .encryption(BucketEncryption.S3_MANAGED)
              .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
              .enforceSsl(true)
              .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
              // 90 days covers an incident review and a billing dispute with a lab platform
              .lifecycleRules(
                  List.of(LifecycleRule.builder().expiration(Duration.days(90)).build()))
              // kept when the stack is deleted, not when its first create rolls back
              // (RetentionAspect)
              .removalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
              .build();
      NagSuppressions.addResourceSuppressions(
          accessLogBucket,
          List.of(
              NagPackSuppression.builder()
                  .id("AwsSolutions-S1")
                  .reason(
                      "This bucket only receives ALB access logs; logging access to the log bucket"
                          + " into another bucket would need a log bucket for that one too.")
                  .build()));
      loadBalancer.logAccessLogs(accessLogBucket, "alb");
    } else {
      NagSuppressions.addResourceSuppressions(
          loadBalancer,
          List.of(
              NagPackSuppression.builder()
                  .id("AwsSolutions-ELB2")
                  .reason(
                      "A preview stage deletes itself after its TTL and retains nothing, so it has"
                          + " no access-log bucket; the long-lived stages log every request.")
                  .build()));
    }
    if (props.internetFacing()) {
      NagSuppressions.addResourceSuppressions(
          loadBalancer,
          List.of(
              NagPackSuppression.builder()
                  .id("AwsSolutions-EC23")
                  .reason(
                      "The ALB is the public API for lab platforms whose egress addresses are not"
                          + " fixed: 0.0.0.0/0 on 80 (redirect only) and 443. WAF filters in front.")
                  .build()),
          true);
    }
  }

  private ApplicationTargetGroup targetGroup(String id, IVpc vpc) {
    ApplicationTargetGroup group =
        ApplicationTargetGroup.Builder.create(this, id)
            .vpc(vpc)
            .targetType(TargetType.IP)
            .port(APP_PORT)
            .protocol(ApplicationProtocol.HTTP)
            // in-flight allocations finish well within 30 s (the claim budget is 10 s); the 300 s
            // default only slows deployments down
            .deregistrationDelay(Duration.seconds(30))
            .healthCheck(
                software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck.builder()
                    .path(HEALTH_PATH)
                    .healthyHttpCodes("200")
                    .interval(Duration.seconds(15))
                    .healthyThresholdCount(2)
                    .unhealthyThresholdCount(3)
                    .build())
            .build();
    return group;
  }

  private ApplicationListener listener(String id, int port, ApiServiceProps props, boolean open) {
    boolean https = props.certificate() != null;
    return loadBalancer.addListener(
        id,
        BaseApplicationListenerProps.builder()
            .port(port)
            .protocol(https ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP)
            .certificates(
                https
                    ? List.of(ListenerCertificate.fromCertificateManager(props.certificate()))
                    : null)
            .sslPolicy(https ? SslPolicy.RECOMMENDED_TLS : null)
            .open(false)
            .defaultAction(
                ListenerAction.fixedResponse(
                    404,
                    FixedResponseOptions.builder()
                        .contentType("application/json")
                        .messageBody("{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}")
                        .build()))
            .build());
  }

  /** Every path, weighted: ECS moves the weights between the two groups during a deployment. */
  private ApplicationListenerRule catchAllRule(String id, ApplicationListener listener) {
    return ApplicationListenerRule.Builder.create(this, id)
        .listener(listener)
        .priority(1)
        .conditions(List.of(ListenerCondition.pathPatterns(List.of("/*"))))
        .action(
            ListenerAction.weightedForward(
                List.of(
                    WeightedTargetGroup.builder().targetGroup(blue).weight(100).build(),
                    WeightedTargetGroup.builder().targetGroup(green).weight(0).build())))
        .build();
  }

  /**
   * The API's 5xx and latency alarms at deployment resolution: one-minute periods, so a bad version
   * is rolled back within the bake time rather than after Monitoring's paging windows. No action:
   * ECS watches them and rolls back; Monitoring's alarms page if it persists.
   */
  private List<Alarm> rollbackAlarms(ApiServiceProps props) {
    MathExpression errors =
        MathExpression.Builder.create()
            .expression("FILL(target, 0) + FILL(elb, 0)")
            .usingMetrics(
                Map.of(
                    "target",
                        loadBalancer
                            .getMetrics()
                            .httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, perMinute("Sum")),
                    "elb",
                        loadBalancer
                            .getMetrics()
                            .httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, perMinute("Sum"))))
            .period(Duration.minutes(1))
            .label("5xx per minute (targets + ALB)")
            .build();
    Alarm fiveXx =
        Alarm.Builder.create(this, "Rollback5xx")
            .alarmName(props.serviceName() + "-deploy-5xx")
            .alarmDescription(
                "Rolls an API deployment back: at least "
                    + props.deployment().rollback5xxPerMinute()
                    + " 5xx per minute in 2 of 3 minutes. Runbook: "
                    + Monitoring.RUNBOOK_API_5XX)
            .metric(errors)
            .threshold(props.deployment().rollback5xxPerMinute())
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .evaluationPeriods(3)
            .datapointsToAlarm(2)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    Alarm latency =
        Alarm.Builder.create(this, "RollbackLatency")
            .alarmName(props.serviceName() + "-deploy-latency-p99")
            .alarmDescription(
                "Rolls an API deployment back: target response time p99 above "
                    + props.deployment().rollbackP99Millis()
                    + " ms for 3 minutes. Runbook: "
                    + Monitoring.RUNBOOK_ALLOCATION_LATENCY)
            .metric(loadBalancer.getMetrics().targetResponseTime(perMinute("p99")))
            .threshold(props.deployment().rollbackP99Millis() / 1000.0)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .evaluationPeriods(3)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    return List.of(fiveXx, latency);
  }

  private static MetricOptions perMinute(String statistic) {
    return MetricOptions.builder().period(Duration.minutes(1)).statistic(statistic).build();
  }

  /**
   * The parts other constructs wire to, under the accessor names the load-balanced-service pattern
   * used before blue/green (callers keep {@code api.service().getLoadBalancer()}).
   */
  public Parts service() {
    return new Parts();
  }

  public ApplicationLoadBalancer loadBalancer() {
    return loadBalancer;
  }

  public FargateService fargateService() {
    return fargateService;
  }

  public ApplicationListener productionListener() {
    return productionListener;
  }

  public List<Alarm> rollbackAlarms() {
    return rollbackAlarms;
  }

  /** See {@link #service()}. */
  public final class Parts {
    private Parts() {}

    public ApplicationLoadBalancer getLoadBalancer() {
      return loadBalancer;
    }

    /** The target group that takes production traffic before the first blue/green deployment. */
    public ApplicationTargetGroup getTargetGroup() {
      return blue;
    }

    public ApplicationTargetGroup getAlternateTargetGroup() {
      return green;
    }

    public FargateService getService() {
      return fargateService;
    }

    public FargateTaskDefinition getTaskDefinition() {
      return taskDefinition;
    }

    public ApplicationListener getListener() {
      return productionListener;
    }
  }
}
