package com.sandboxbroker.cdk;

import java.util.List;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/** The VPC: two AZs, tasks in private subnets, VPC endpoints for every AWS API the tasks call. */
public final class Network extends Construct {
  /** A /20 leaves room for far more tasks than the autoscaling ceiling. */
  static final String VPC_CIDR = "10.40.0.0/20";

  private final Vpc vpc;
  private final SubnetSelection serviceSubnets;
  private final SubnetSelection jobsSubnets;
  private final boolean jobsNeedPublicIp;
  private final SecurityGroup jobsSecurityGroup;

  public Network(Construct scope, String id, NetworkProps props) {
    super(scope, id);
    boolean natFree = props.natGateways() == 0;
    SubnetType privateType = natFree ? SubnetType.PRIVATE_ISOLATED : SubnetType.PRIVATE_WITH_EGRESS;
    this.vpc = vpc(props, privateType);
    logRejectedFlows(props);
    addGatewayEndpoints();
    addInterfaceEndpoints(privateType);
    this.serviceSubnets = SubnetSelection.builder().subnetType(privateType).build();
    this.jobsNeedPublicIp = natFree;
    this.jobsSecurityGroup =
        SecurityGroup.Builder.create(this, "JobsSecurityGroup")
            .vpc(vpc)
            .description(
                "jobs-runner tasks: no inbound; outbound to AWS endpoints and the upstream provider")
            .allowAllOutbound(true)
            .build();
    this.jobsSubnets =
        SubnetSelection.builder()
            .subnetType(natFree ? SubnetType.PUBLIC : SubnetType.PRIVATE_WITH_EGRESS)
            .build();
  }

  private Vpc vpc(NetworkProps props, SubnetType privateType) {
    return Vpc.Builder.create(this, "Vpc")
        .ipAddresses(IpAddresses.cidr(VPC_CIDR))
        // two AZs: survives one AZ failing; a third would add endpoint and NAT cost only
        .maxAzs(2)
        .natGateways(props.natGateways())
        .subnetConfiguration(
            List.of(
                SubnetConfiguration.builder()
                    .name("public")
                    .subnetType(SubnetType.PUBLIC)
                    .cidrMask(24)
                    .build(),
                SubnetConfiguration.builder()
                    .name("private")
                    .subnetType(privateType)
                    .cidrMask(23)
                    .build()))
        .build();
  }

  private void logRejectedFlows(NetworkProps props) {
    vpc.addFlowLog(
        "FlowLog",
        FlowLogOptions.builder()
            // rejected flows are what an investigation needs; ALL would multiply log ingestion cost
            .trafficType(FlowLogTrafficType.REJECT)
            .destination(
                FlowLogDestination.toCloudWatchLogs(
                    LogGroup.Builder.create(this, "FlowLogGroup")
                        .retention(props.flowLogRetention())
                        .build()))
            .build());
  }

  /** Gateway endpoints are free; ECR serves image layers from S3, so S3 is needed for pulls. */
  private void addGatewayEndpoints() {
    vpc.addGatewayEndpoint(
        "DynamoDb",
        GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.DYNAMODB).build());
    vpc.addGatewayEndpoint(
        "S3", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.S3).build());
  }

  /**
   * Interface endpoints for what the tasks and the ECS agent call: image pulls, secrets injection,
   * awslogs, and the runner's task-token callbacks / the service's StartExecution.
   */
  private void addInterfaceEndpoints(SubnetType privateType) {
    // One security group for all interface endpoints: HTTPS from inside the VPC only. The CIDR is
    // the literal (not the VPC's CidrBlock attribute) so the rule can be checked at synth time.
    SecurityGroup endpointsGroup =
        SecurityGroup.Builder.create(this, "EndpointsSecurityGroup")
            .vpc(vpc)
            .description("VPC interface endpoints: HTTPS from the VPC")
            .allowAllOutbound(false)
            .build();
    endpointsGroup.addIngressRule(
        Peer.ipv4(VPC_CIDR), Port.tcp(443), "HTTPS from tasks in the VPC");
    List.of(
            InterfaceVpcEndpointAwsService.ECR,
            InterfaceVpcEndpointAwsService.ECR_DOCKER,
            InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
            InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            InterfaceVpcEndpointAwsService.STEP_FUNCTIONS)
        .forEach(
            service ->
                vpc.addInterfaceEndpoint(
                    endpointId(service),
                    InterfaceVpcEndpointOptions.builder()
                        .service(service)
                        .privateDnsEnabled(true)
                        .open(false)
                        .securityGroups(List.of(endpointsGroup))
                        .subnets(SubnetSelection.builder().subnetType(privateType).build())
                        .build()));
  }

  private static String endpointId(InterfaceVpcEndpointAwsService service) {
    return switch (service.getShortName()) {
      case "ecr.api" -> "EcrApi";
      case "ecr.dkr" -> "EcrDocker";
      case "logs" -> "Logs";
      case "secretsmanager" -> "SecretsManager";
      case "states" -> "StepFunctions";
      default -> throw new IllegalArgumentException(service.getShortName());
    };
  }

  public IVpc vpc() {
    return vpc;
  }

  /** Where the API tasks run. */
  public SubnetSelection serviceSubnets() {
    return serviceSubnets;
  }

  /** Where the jobs tasks run (public only in the NAT-free layout, see {@link NetworkProps}). */
  public SubnetSelection jobsSubnets() {
    return jobsSubnets;
  }

  public ISecurityGroup jobsSecurityGroup() {
    return jobsSecurityGroup;
  }

  public boolean jobsNeedPublicIp() {
    return jobsNeedPublicIp;
  }
}
