package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** cdk-nag's AwsSolutions pack: nothing unacknowledged, every acknowledgement on its resource. */
class NagTest {
  @Test
  void noUnacknowledgedAwsSolutionsFinding() {
    for (SynthesizedBroker broker :
        List.of(SynthesizedBroker.get(), SynthesizedBroker.withNatGateways(0))) {
      List<SynthesisMessage> errors =
          broker.annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
      List<SynthesisMessage> warnings =
          broker.annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
      List<String> findings = new ArrayList<>();
      errors.forEach(m -> findings.add("ERROR " + m.getId() + ": " + m.getEntry().getData()));
      warnings.forEach(m -> findings.add("WARN " + m.getId() + ": " + m.getEntry().getData()));
      assertThat(findings).as("natGateways=" + broker.settings.natGateways()).isEmpty();
    }
  }

  @Test
  void acknowledgementsSitOnResourcesWithSpecificReasons() {
    SynthesizedBroker broker = SynthesizedBroker.get();
    // no stack-wide blanket suppression
    assertThat(broker.json.path("Metadata").path("cdk_nag").isMissingNode()).isTrue();
    List<String> acknowledged = new ArrayList<>();
    broker
        .json
        .get("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode rules =
                  e.getValue().path("Metadata").path("cdk_nag").path("rules_to_suppress");
              for (JsonNode rule : rules) {
                acknowledged.add(rule.get("id").asText());
                assertThat(rule.get("reason").asText())
                    .as(e.getKey() + " " + rule.get("id"))
                    .hasSizeGreaterThan(40);
              }
            });
    assertThat(acknowledged).isNotEmpty();
  }
}
