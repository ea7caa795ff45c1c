package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.JobName;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two AZs, private task subnets, VPC endpoints, and the NAT-free layout. */
class NetworkTemplateTest {
  @Test
  void twoAzsPrivateSubnetsAndEndpointsForEveryAwsApiTheTasksCall() {
    SynthesizedBroker broker = SynthesizedBroker.get();
    assertThat(broker.resources("AWS::EC2::Subnet")).hasSize(4); // public + private, two AZs
    assertThat(broker.resources("AWS::EC2::NatGateway")).hasSize(1);
    List<String> services = new ArrayList<>();
    broker.resources("AWS::EC2::VPCEndpoint").values().forEach(ep -> services.add(serviceName(ep)));
    assertThat(services)
        .containsExactlyInAnyOrder(
            "dynamodb", "s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "states");
    JsonNode service = broker.resources("AWS::ECS::Service").values().iterator().next();
    assertThat(
            service
                .get("Properties")
                .get("NetworkConfiguration")
                .get("AwsvpcConfiguration")
                .get("AssignPublicIp")
                .asText())
        .isEqualTo("DISABLED");
  }

  @Test
  void natFreeLayoutHasNoNatGatewayAndGivesOnlyTheJobsAPublicIp() {
    SynthesizedBroker natFree = SynthesizedBroker.withNatGateways(0);
    assertThat(natFree.resources("AWS::EC2::NatGateway")).isEmpty();
    for (JobName job : JobName.values()) {
      JsonNode network =
          natFree
              .definition(job)
              .get("States")
              .get(JobStateMachine.RUN_STATE)
              .get("Parameters")
              .get("NetworkConfiguration")
              .get("AwsvpcConfiguration");
      assertThat(network.get("AssignPublicIp").asText()).isEqualTo("ENABLED");
    }
    JsonNode service = natFree.resources("AWS::ECS::Service").values().iterator().next();
    assertThat(
            service
                .get("Properties")
                .get("NetworkConfiguration")
                .get("AwsvpcConfiguration")
                .get("AssignPublicIp")
                .asText())
        .isEqualTo("DISABLED");
  }

  private static String serviceName(JsonNode endpoint) {
    String flat = endpoint.get("Properties").get("ServiceName").toString();
    for (String s :
        List.of("dynamodb", "s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "states")) {
      if (flat.contains("." + s + "\"") || flat.endsWith("." + s)) {
        return s;
      }
    }
    return flat;
  }
}
