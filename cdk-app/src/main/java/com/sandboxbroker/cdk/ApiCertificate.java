package com.sandboxbroker.cdk;

import java.util.List;
import java.util.regex.Matcher;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.CfnRule;
import software.amazon.awscdk.CfnRuleAssertion;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.certificatemanager.CertificateValidation;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.constructs.Construct;

/**
 * The API's TLS certificate: DNS-validated by ACM in the stage's hosted zone when there is one,
 * otherwise the ARN from context, checked so a wrong one fails before anything is created.
 */
public final class ApiCertificate extends Construct {
  /** The all-zero id cdk.json carries so a fresh clone synthesizes without an account. */
  static final String PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";

  public static final String PLACEHOLDER_RULE = "NoPlaceholderCertificate";

  private final ICertificate certificate;
  private final IHostedZone zone;

  public ApiCertificate(Construct scope, String id, ApiCertificateProps props) {
    super(scope, id);
    DomainSettings domain = props.domain();
    if (domain != null) {
      this.zone = zone(domain);
      this.certificate = dnsValidated(domain);
      return;
    }
    this.zone = null;
    String arn = props.certificateArn();
    this.certificate = arn == null ? null : imported(arn);
  }

  private IHostedZone zone(DomainSettings domain) {
    return HostedZone.fromHostedZoneAttributes(
        this,
        "Zone",
        HostedZoneAttributes.builder()
            .hostedZoneId(domain.hostedZoneId())
            .zoneName(domain.zoneName())
            .build());
  }

  private ICertificate dnsValidated(DomainSettings domain) {
    return Certificate.Builder.create(this, "Certificate")
        .domainName(domain.hostName())
        // ACM writes the validation CNAME into the zone itself; renewals need nothing either
        .validation(CertificateValidation.fromDns(zone))
        .build();
  }

  /** The context's ARN, refused at synth when malformed or in another region. */
  private ICertificate imported(String arn) {
    Matcher m = BrokerSettings.CERTIFICATE_ARN.matcher(arn);
    if (!m.matches()) {
      throw new IllegalArgumentException("certificateArn must be an ACM certificate ARN: " + arn);
    }
    String region = Stack.of(this).getRegion();
    // an ALB takes certificates from its own region only: fail the synth, not the listener
    if (!Token.isUnresolved(region) && !m.group(1).equals(region)) {
      throw new IllegalArgumentException(
          "certificateArn is in "
              + m.group(1)
              + " but the stage deploys to "
              + region
              + ": "
              + arn);
    }
    if (arn.endsWith(PLACEHOLDER_ID)) {
      refuseAtDeploy(arn);
    }
    return Certificate.fromCertificateArn(this, "Certificate", arn);
  }

  /**
   * Synth stays offline-friendly, but CloudFormation evaluates rules before it creates or changes
   * any resource: the deploy stops at the change set, nothing is left to retain.
   */
  private void refuseAtDeploy(String placeholderArn) {
    CfnParameter check =
        CfnParameter.Builder.create(Stack.of(this), "CertificateArnCheck")
            .type("String")
            .defaultValue(placeholderArn)
            .description(
                "The API certificate ARN (the placeholder rule refuses cdk.json's all-zero one)")
            .build();
    CfnRule.Builder.create(Stack.of(this), PLACEHOLDER_RULE)
        .assertions(
            List.of(
                CfnRuleAssertion.builder()
                    .assertValue(
                        Fn.conditionNot(
                            Fn.conditionEquals(check.getValueAsString(), placeholderArn)))
                    .assertDescription(
                        "cdk.json's certificateArn is a placeholder: deploy with -c certificateArn=<ACM ARN>"
                            + " or -c hostedZoneId=... -c hostedZoneName=...")
                    .build()))
        .build();
    Annotations.of(this)
        .addWarningV2(
            "@sandbox-broker/placeholder-certificate",
            "certificateArn is cdk.json's placeholder: synth works, a deploy is refused before it creates anything");
  }

  /** Null when neither a zone nor an ARN was given (only API Gateway ingress manages without). */
  public ICertificate certificate() {
    return certificate;
  }

  /** The stage's hosted zone, or null. */
  public IHostedZone zone() {
    return zone;
  }
}
