package com.sandboxbroker.cdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.wafv2.CfnWebACL;
import software.amazon.awscdk.services.wafv2.CfnWebACLAssociation;
import software.constructs.Construct;

/** WAF in front of the ALB: AWS managed rule groups plus a per-IP rate rule. */
public final class ApiFirewall extends Construct {
  /** The managed groups: OWASP-style common rules, known exploit inputs, IPs AWS sees attacking. */
  public static final List<String> MANAGED_RULE_GROUPS =
      List.of(
          "AWSManagedRulesCommonRuleSet",
          "AWSManagedRulesKnownBadInputsRuleSet",
          "AWSManagedRulesAmazonIpReputationList");

  private final CfnWebACL webAcl;

  public ApiFirewall(Construct scope, String id, ApiFirewallProps props) {
    super(scope, id);
    List<Object> rules = new ArrayList<>();
    int priority = 0;
    for (String group : MANAGED_RULE_GROUPS) {
      rules.add(
          CfnWebACL.RuleProperty.builder()
              .name(group)
              .priority(priority++)
              .statement(
                  CfnWebACL.StatementProperty.builder()
                      .managedRuleGroupStatement(
                          CfnWebACL.ManagedRuleGroupStatementProperty.builder()
                              .vendorName("AWS")
                              .name(group)
                              .build())
                      .build())
              .overrideAction(CfnWebACL.OverrideActionProperty.builder().none(Map.of()).build())
              .visibilityConfig(visibility(props.webAclName() + "-" + group))
              .build());
    }
    rules.add(
        CfnWebACL.RuleProperty.builder()
            .name("RatePerIp")
            .priority(priority)
            .statement(
                CfnWebACL.StatementProperty.builder()
                    .rateBasedStatement(
                        CfnWebACL.RateBasedStatementProperty.builder()
                            .limit(props.requestsPer5MinPerIp())
                            .aggregateKeyType("IP")
                            .build())
                    .build())
            .action(
                CfnWebACL.RuleActionProperty.builder()
                    .block(CfnWebACL.BlockActionProperty.builder().build())
                    .build())
            .visibilityConfig(visibility(props.webAclName() + "-RatePerIp"))
            .build());
    this.webAcl =
        CfnWebACL.Builder.create(this, "WebAcl")
            .name(props.webAclName())
            .scope("REGIONAL")
            .defaultAction(
                CfnWebACL.DefaultActionProperty.builder()
                    .allow(CfnWebACL.AllowActionProperty.builder().build())
                    .build())
            .visibilityConfig(visibility(props.webAclName()))
            .rules(rules)
            .build();
    CfnWebACLAssociation.Builder.create(this, "Association")
        .resourceArn(props.loadBalancerArn())
        .webAclArn(webAcl.getAttrArn())
        .build();
  }

  private static CfnWebACL.VisibilityConfigProperty visibility(String metricName) {
    return CfnWebACL.VisibilityConfigProperty.builder()
        .cloudWatchMetricsEnabled(true)
        .sampledRequestsEnabled(true)
        .metricName(metricName)
        .build();
  }

  public CfnWebACL webAcl() {
    return webAcl;
  }
}
