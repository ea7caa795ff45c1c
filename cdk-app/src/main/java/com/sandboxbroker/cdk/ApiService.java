package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
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
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The API: Fargate (ARM64) tasks behind an ALB, deployed blue/green by ECS itself.
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
    LogGroup logs = logGroup(props);
    this.taskDefinition = taskDefinition(props);
    addContainer(props, logs);
    var vpc = props.cluster().getVpc();
    this.loadBalancer =
        ApplicationLoadBalancer.Builder.create(this, "LB")
            .vpc(vpc)
            .internetFacing(props.internetFacing())
            // internal: in the tasks' private subnets, where the API Gateway VPC link reaches it
            .vpcSubnets(props.internetFacing() ? null : props.subnets())
            .build();
    this.blue = ApiTraffic.targetGroup(this, "Blue", vpc);
    this.green = ApiTraffic.targetGroup(this, "Green", vpc);

    boolean https = props.certificate() != null;
    int productionPort = https ? HTTPS_PORT : INTERNAL_HTTP_PORT;
    int testPort = https ? TEST_PORT : INTERNAL_TEST_PORT;
    this.productionListener = ApiTraffic.listener(loadBalancer, "Listener", productionPort, props);
    ApplicationListener testListener =
        ApiTraffic.listener(loadBalancer, "TestListener", testPort, props);
    // the listeners' own rules are what ECS re-weights during a deployment; the default action
    // only answers a request no rule matches, which the catch-all rules leave none of
    ApplicationListenerRule productionRule =
        ApiTraffic.catchAllRule(this, "ProductionRule", productionListener, blue, green);
    ApplicationListenerRule testRule =
        ApiTraffic.catchAllRule(this, "TestRule", testListener, blue, green);
    openListeners(props, testListener);

    this.rollbackAlarms = ApiTraffic.rollbackAlarms(this, loadBalancer, props);
    this.fargateService = fargateService(props);
    attachBlueGreen(productionRule, testRule);
    scaleOnCpu(props);
    grantAndAcknowledge(props);
    ApiTraffic.logAccess(this, loadBalancer, props);
  }

  private LogGroup logGroup(ApiServiceProps props) {
    return LogGroup.Builder.create(this, "Logs")
        .logGroupName(props.logGroupName())
        .retention(props.logRetention())
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }

  private FargateTaskDefinition taskDefinition(ApiServiceProps props) {
    return FargateTaskDefinition.Builder.create(this, "TaskDefinition")
        .cpu(props.sizing().cpu())
        .memoryLimitMiB(props.sizing().memoryMiB())
        // Graviton: about 20 % cheaper per vCPU-hour on Fargate, and the image is built for it
        .runtimePlatform(
            RuntimePlatform.builder()
                .cpuArchitecture(CpuArchitecture.ARM64)
                .operatingSystemFamily(OperatingSystemFamily.LINUX)
                .build())
        .build();
  }

  private void addContainer(ApiServiceProps props, LogGroup logs) {
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
  }

  /** Production: the clients (or the API Gateway VPC link); the test listener: the VPC only. */
  private void openListeners(ApiServiceProps props, ApplicationListener testListener) {
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
  }

  private FargateService fargateService(ApiServiceProps props) {
    return FargateService.Builder.create(this, "Service")
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
  }

  /** Blue is live at first; ECS moves the listener rules' weights to green and back. */
  private void attachBlueGreen(
      ApplicationListenerRule productionRule, ApplicationListenerRule testRule) {
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
  }

  private void scaleOnCpu(ApiServiceProps props) {
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
  }

  private void grantAndAcknowledge(ApiServiceProps props) {
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
