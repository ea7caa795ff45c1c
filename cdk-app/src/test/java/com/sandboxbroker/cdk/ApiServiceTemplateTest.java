package com.sandboxbroker.cdk;

import static com.sandboxbroker.cdk.Templates.assertMatches;
import static com.sandboxbroker.cdk.Templates.matching;
import static com.sandboxbroker.cdk.Templates.property;
import static com.sandboxbroker.cdk.Templates.resourceTypes;
import static com.sandboxbroker.cdk.Templates.withProperties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Matcher;

/** The API service: Fargate ARM64 behind HTTPS, WAF, autoscaling, circuit breaker, logs, tags. */
class ApiServiceTemplateTest {
  private final SynthesizedBroker broker = SynthesizedBroker.get();

  @Test
  void httpsListenerWithTheContextCertificateAndHttpRedirect() {
    broker.template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Map.of(
            "Port",
            443,
            "Protocol",
            "HTTPS",
            "Certificates",
            List.of(Map.of("CertificateArn", broker.settings.certificateArn()))));
    broker.template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Map.of(
            "Port",
            80,
            "Protocol",
            "HTTP",
            "DefaultActions",
            List.of(
                Match.objectLike(
                    Map.of(
                        "Type",
                        "redirect",
                        "RedirectConfig",
                        Match.objectLike(Map.of("Protocol", "HTTPS", "Port", "443")))))));
  }

  @Test
  void targetGroupChecksHealthzOnTheApplicationPort() {
    broker.template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(
            Map.of(
                "HealthCheckPath", ApiService.HEALTH_PATH, "Matcher", Map.of("HttpCode", "200"))));
    // the ALB sends traffic (and health checks) to the container's application port, never 8081
    broker.template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "LoadBalancers",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "ContainerName",
                            ApiService.CONTAINER_NAME,
                            "ContainerPort",
                            ApiService.APP_PORT))))));
  }

  @Test
  void fargateArm64BlueGreenWithCircuitBreakerRollback() {
    broker.template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "LaunchType",
                "FARGATE",
                "DeploymentConfiguration",
                Match.objectLike(
                    Map.of(
                        "Strategy",
                        "BLUE_GREEN",
                        "DeploymentCircuitBreaker",
                        Map.of("Enable", true, "Rollback", true))))));
    broker.template.allResourcesProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of("RuntimePlatform", Match.objectLike(Map.of("CpuArchitecture", "ARM64")))));
  }

  @Test
  void autoscalesOnCpuOnly() {
    // issue #15: memory tracking blocked scale-in on a JVM; request count follows one target group,
    // which blue/green swaps
    Templates.scalesOnCpuOnly(broker.template);
  }

  @Test
  void wafWithManagedRuleGroupsAndARateRuleIsAssociatedWithTheAlb() {
    broker.template.resourceCountIs("AWS::WAFv2::WebACL", 1);
    Capture rules = new Capture();
    broker.template.hasResourceProperties(
        "AWS::WAFv2::WebACL", Match.objectLike(Map.of("Scope", "REGIONAL", "Rules", rules)));
    // the managed rule groups, in the documented order
    List<Object> managed =
        matching(rules.asArray(), statement("ManagedRuleGroupStatement", Match.anyValue()));
    assertThat(managed).hasSameSizeAs(ApiFirewall.MANAGED_RULE_GROUPS);
    for (int i = 0; i < managed.size(); i++) {
      String group = ApiFirewall.MANAGED_RULE_GROUPS.get(i);
      assertMatches(
          group,
          managed.get(i),
          statement("ManagedRuleGroupStatement", Match.objectLike(Map.of("Name", group))));
    }
    // and a rate rule that blocks
    List<Object> rateRules =
        matching(rules.asArray(), statement("RateBasedStatement", Match.anyValue()));
    assertThat(rateRules).isNotEmpty();
    assertMatches(
        "rate rule",
        rateRules.get(rateRules.size() - 1),
        Match.objectLike(Map.of("Action", Match.objectLike(Map.of("Block", Match.anyValue())))));
    broker.template.hasResourceProperties(
        "AWS::WAFv2::WebACLAssociation",
        Match.objectLike(Map.of("ResourceArn", Map.of("Ref", Match.stringLikeRegexp("LB")))));
  }

  /** A WAF rule whose statement is of this kind, like this. */
  private static Matcher statement(String kind, Matcher like) {
    return Match.objectLike(Map.of("Statement", Match.objectLike(Map.of(kind, like))));
  }

  @Test
  void everyLogGroupHasARetention() {
    broker.template.allResourcesProperties(
        "AWS::Logs::LogGroup", Match.objectLike(Map.of("RetentionInDays", 30)));
  }

  @Test
  void costAllocationTagsOnEveryTaggedResource() {
    // tagged: a Tags list of Key/Value pairs (a few types take a map instead; the stack tags
    // those too, but the check reads the list form)
    Map<String, Object> tagList =
        withProperties(
            Map.of(
                "Tags",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Key", Match.anyValue()))))));
    int tagged = 0;
    for (String type : resourceTypes(broker.template)) {
      for (var e : broker.template.findResources(type, tagList).entrySet()) {
        for (String key : List.of("project", "stage", "owner")) {
          assertMatches(
              e.getKey(),
              property(e.getValue(), "Tags"),
              Match.arrayWith(List.of(Match.objectLike(Map.of("Key", key)))));
        }
        tagged++;
      }
    }
    assertThat(tagged).isGreaterThan(20);
    broker.template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Match.objectLike(
            Map.of(
                "Tags",
                Match.arrayWith(
                    List.of(Map.of("Key", "owner", "Value", broker.settings.owner()))))));
  }
}
