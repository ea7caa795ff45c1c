package com.sandboxbroker.cdk;

import java.time.Duration;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.ApiGatewayv2DomainProperties;
import software.amazon.awscdk.services.route53.targets.LoadBalancerTarget;
import software.constructs.Construct;

/** How the stack is reached and rolled out; SandboxBrokerStack calls these. */
final class Delivery {
  private Delivery() {}

  /**
   * Ten minutes of bake: longer than the rollback alarms need to fire (3 one-minute periods) plus
   * CloudWatch's delay, short enough that a deploy through three stages stays well under an hour.
   * Previews bake for one minute: nobody depends on them.
   */
  static ApiServiceProps.BlueGreen blueGreen(BrokerSettings settings) {
    Duration bake =
        settings.delivery().isPreview() ? Duration.ofMinutes(1) : Duration.ofMinutes(10);
    int perMinute = Math.max(1, (settings.alarms().alb5xxPer5Min() + 4) / 5);
    return new ApiServiceProps.BlueGreen(bake, perMinute, settings.alarms().allocationP99Millis());
  }

  static ICertificate requireCertificate(ApiCertificate certificate, BrokerSettings settings) {
    if (certificate.certificate() == null) {
      throw new IllegalArgumentException(
          "stage "
              + settings.stage()
              + ": the internet-facing ALB needs TLS: give -c hostedZoneId=… -c hostedZoneName=…"
              + " (a DNS-validated certificate is created), or -c certificateArn=<ACM ARN in the stage's region>,"
              + " or use -c ingress=apigateway");
    }
    return certificate.certificate();
  }

  /**
   * API Gateway in front when asked for, the alias record when there is a zone; returns the URL
   * clients use (the ApiUrl output).
   */
  static String ingress(
      Construct stack,
      BrokerSettings settings,
      ApiService api,
      ApiCertificate certificate,
      Network network,
      RetentionDays logRetention) {
    DomainSettings domain = settings.delivery().domain();
    if (settings.delivery().ingress() == DeliverySettings.Ingress.APIGATEWAY) {
      ApiGatewayIngress gateway =
          new ApiGatewayIngress(
              stack,
              "ApiGateway",
              new ApiGatewayIngressProps(
                  "sandbox-broker-" + settings.stage() + "-api",
                  api.productionListener(),
                  network.vpc(),
                  network.serviceSubnets(),
                  certificate.certificate(),
                  domain == null ? null : domain.hostName(),
                  logRetention,
                  !settings.delivery().isPreview()));
      if (domain != null) {
        ARecord.Builder.create(stack, "ApiAlias")
            .zone(certificate.zone())
            .recordName(domain.hostName() + ".")
            .target(
                RecordTarget.fromAlias(
                    new ApiGatewayv2DomainProperties(
                        gateway.domainName().getRegionalDomainName(),
                        gateway.domainName().getRegionalHostedZoneId())))
            .build();
        return "https://" + domain.hostName();
      }
      if (certificate.certificate() != null) {
        throw new IllegalArgumentException(
            "-c certificateArn with -c ingress=apigateway needs a host name: give the hosted zone instead");
      }
      return gateway.api().getApiEndpoint();
    }
    if (domain != null) {
      ARecord.Builder.create(stack, "ApiAlias")
          .zone(certificate.zone())
          .recordName(domain.hostName() + ".")
          .target(RecordTarget.fromAlias(new LoadBalancerTarget(api.loadBalancer())))
          .build();
      return "https://" + domain.hostName();
    }
    // no zone: the certificate's host name must be pointed at this ALB by hand (README "Deploy")
    return "https://" + api.loadBalancer().getLoadBalancerDnsName();
  }
}
