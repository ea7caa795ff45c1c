package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpAlbIntegration;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpAlbIntegrationProps;
import software.amazon.awscdk.services.apigatewayv2.CfnStage;
import software.amazon.awscdk.services.apigatewayv2.DomainMappingOptions;
import software.amazon.awscdk.services.apigatewayv2.DomainName;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.VpcLink;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * {@code -c ingress=apigateway}: an API Gateway HTTP API in front of the internal ALB, reached
 * through a VPC link (docs/decisions/0001-api-ingress.md). Every route goes to the ALB's production
 * listener; the service still authenticates every request itself.
 */
public final class ApiGatewayIngress extends Construct {
  /**
   * Stage-wide throttling in place of the WAF rate rule (WAF does not attach to HTTP APIs): 200
   * requests/s steady, bursts of 400 — a class of learners starting at once, with headroom.
   */
  public static final int RATE_LIMIT_PER_SECOND = 200;

  public static final int BURST_LIMIT = 400;

  private final HttpApi api;
  private final DomainName domainName;

  public ApiGatewayIngress(Construct scope, String id, ApiGatewayIngressProps props) {
    super(scope, id);
    VpcLink link = vpcLink(props);
    this.domainName =
        props.certificate() == null
            ? null
            : DomainName.Builder.create(this, "DomainName")
                .domainName(props.hostName())
                .certificate(props.certificate())
                .build();
    this.api = httpApi(props, link);
    logAccessAndThrottle(props);
    acknowledgeFindings();
  }

  /** The VPC link and its security group, which may reach the internal ALB's listener only. */
  private VpcLink vpcLink(ApiGatewayIngressProps props) {
    var vpc = props.vpc();
    SecurityGroup linkSecurityGroup =
        SecurityGroup.Builder.create(this, "VpcLinkSecurityGroup")
            .vpc(vpc)
            .description("API Gateway VPC link to the internal ALB")
            .allowAllOutbound(false)
            .build();
    linkSecurityGroup.addEgressRule(
        Peer.ipv4(vpc.getVpcCidrBlock()),
        Port.tcp(ApiService.INTERNAL_HTTP_PORT),
        "to the internal ALB");
    return VpcLink.Builder.create(this, "VpcLink")
        .vpcLinkName(props.apiName())
        .vpc(vpc)
        .subnets(props.subnets())
        .securityGroups(List.of(linkSecurityGroup))
        .build();
  }

  private HttpApi httpApi(ApiGatewayIngressProps props, VpcLink link) {
    return HttpApi.Builder.create(this, "Api")
        .apiName(props.apiName())
        .description("Sandbox Broker API (API Gateway ingress)")
        .defaultIntegration(
            new HttpAlbIntegration(
                "Alb", props.listener(), HttpAlbIntegrationProps.builder().vpcLink(link).build()))
        .defaultDomainMapping(
            domainName == null
                ? null
                : DomainMappingOptions.builder().domainName(domainName).build())
        // with a custom domain, that is the only way in (the same TLS name the certificate
        // proves)
        .disableExecuteApiEndpoint(domainName != null)
        .build();
  }

  /** JSON access logs and the stage-wide throttling that stands in for the WAF rate rule. */
  private void logAccessAndThrottle(ApiGatewayIngressProps props) {
    LogGroup accessLogs =
        LogGroup.Builder.create(this, "AccessLogs")
            .retention(props.logRetention())
            .removalPolicy(
                props.retainLogs()
                    ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
                    : RemovalPolicy.DESTROY)
            .build();
    CfnStage stage = (CfnStage) api.getDefaultStage().getNode().getDefaultChild();
    stage.setAccessLogSettings(
        CfnStage.AccessLogSettingsProperty.builder()
            .destinationArn(accessLogs.getLogGroupArn())
            .format(
                toJson(
                    Map.of(
                        "requestId", "$context.requestId",
                        "ip", "$context.identity.sourceIp",
                        "method", "$context.httpMethod",
                        "path", "$context.path",
                        "status", "$context.status",
                        "latencyMs", "$context.responseLatency",
                        "integrationStatus", "$context.integrationStatus")))
            .build());
    stage.setDefaultRouteSettings(
        CfnStage.RouteSettingsProperty.builder()
            .throttlingRateLimit(RATE_LIMIT_PER_SECOND)
            .throttlingBurstLimit(BURST_LIMIT)
            .build());
  }

  private void acknowledgeFindings() {
    NagSuppressions.addResourceSuppressions(
        api,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-APIG4")
                .reason(
                    "The service authenticates every request itself (bearer tokens per tenant, admin"
                        + " token); an API Gateway authorizer would duplicate that check per request.")
                .build()),
        true);
  }

  private static String toJson(Map<String, String> fields) {
    StringBuilder out = new StringBuilder("{");
    new TreeMap<>(fields)
        .forEach(
            (k, v) ->
                out.append(out.length() > 1 ? "," : "")
                    .append('"')
                    .append(k)
                    .append("\":\"")
                    .append(v)
                    .append('"'));
    return out.append('}').toString();
  }

  public HttpApi api() {
    return api;
  }

  /** The custom domain, or null. */
  public DomainName domainName() {
    return domainName;
  }
}
