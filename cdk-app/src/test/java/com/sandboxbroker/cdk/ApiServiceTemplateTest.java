package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

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
    for (JsonNode td : broker.resources("AWS::ECS::TaskDefinition").values()) {
      assertThat(td.get("Properties").get("RuntimePlatform").get("CpuArchitecture").asText())
          .isEqualTo("ARM64");
    }
  }

  @Test
  void autoscalesOnCpuOnly() {
    // issue #15: memory tracking blocked scale-in on a JVM; request count follows one target group,
    // which blue/green swaps
    List<String> metrics = new ArrayList<>();
    broker
        .resources("AWS::ApplicationAutoScaling::ScalingPolicy")
        .values()
        .forEach(
            p ->
                metrics.add(
                    p.get("Properties")
                        .get("TargetTrackingScalingPolicyConfiguration")
                        .get("PredefinedMetricSpecification")
                        .get("PredefinedMetricType")
                        .asText()));
    assertThat(metrics).containsExactly("ECSServiceAverageCPUUtilization");
  }

  @Test
  void wafWithManagedRuleGroupsAndARateRuleIsAssociatedWithTheAlb() {
    JsonNode acl =
        broker.resources("AWS::WAFv2::WebACL").values().iterator().next().get("Properties");
    assertThat(acl.get("Scope").asText()).isEqualTo("REGIONAL");
    List<String> groups = new ArrayList<>();
    boolean rateRule = false;
    for (JsonNode rule : acl.get("Rules")) {
      JsonNode statement = rule.get("Statement");
      if (statement.has("ManagedRuleGroupStatement")) {
        groups.add(statement.get("ManagedRuleGroupStatement").get("Name").asText());
      }
      if (statement.has("RateBasedStatement")) {
        rateRule = rule.get("Action").has("Block");
      }
    }
    assertThat(groups).containsExactlyElementsOf(ApiFirewall.MANAGED_RULE_GROUPS);
    assertThat(rateRule).isTrue();
    JsonNode association =
        broker.resources("AWS::WAFv2::WebACLAssociation").values().iterator().next();
    assertThat(association.get("Properties").get("ResourceArn").get("Ref").asText()).contains("LB");
  }

  @Test
  void everyLogGroupHasARetention() {
    broker
        .resources("AWS::Logs::LogGroup")
        .forEach(
            (id, lg) ->
                assertThat(lg.get("Properties").path("RetentionInDays").asInt())
                    .as(id)
                    .isEqualTo(30));
  }

  @Test
  void costAllocationTagsOnEveryTaggedResource() {
    int tagged = 0;
    for (var e :
        (Iterable<Map.Entry<String, JsonNode>>) () -> broker.json.get("Resources").fields()) {
      JsonNode tags = e.getValue().path("Properties").path("Tags");
      if (tags.isArray()) {
        List<String> keys = new ArrayList<>();
        tags.forEach(t -> keys.add(t.get("Key").asText()));
        assertThat(keys).as(e.getKey()).contains("project", "stage", "owner");
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
