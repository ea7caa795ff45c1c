package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.pool.PoolAssignment;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: every configured pool with a low-water mark has its own alarm on the per-pool metric
 * (dimensions Stage and Pool, as the service writes them), naming its runbook; the tasks get the
 * same pool list.
 */
class PoolAlarmTemplateTest {
  private final SynthesizedBroker broker = SynthesizedBroker.withPools();

  private Map<String, JsonNode> poolAlarms() {
    Map<String, JsonNode> alarms = new TreeMap<>();
    broker
        .resources("AWS::CloudWatch::Alarm")
        .forEach(
            (id, alarm) -> {
              String name = alarm.get("Properties").get("AlarmName").asText();
              if (name.matches(".*-pool-.+-low") && !name.endsWith("-pool-available-low")) {
                alarms.put(name, alarm.get("Properties"));
              }
            });
    return alarms;
  }

  @Test
  void eachPoolWithALowWaterMarkHasItsAlarmOnItsOwnMetric() {
    Map<String, JsonNode> alarms = poolAlarms();
    String stage = broker.settings.stage();
    assertThat(alarms.keySet())
        .containsExactlyInAnyOrder(
            "sandbox-broker-" + stage + "-pool-adventure-low",
            "sandbox-broker-" + stage + "-pool-dns-basics-low");
    JsonNode adventure = alarms.get("sandbox-broker-" + stage + "-pool-adventure-low");
    assertThat(adventure.get("Namespace").asText()).isEqualTo("SandboxBroker");
    assertThat(adventure.get("MetricName").asText()).isEqualTo("PoolAvailable");
    Map<String, String> dimensions = new TreeMap<>();
    adventure
        .get("Dimensions")
        .forEach(d -> dimensions.put(d.get("Name").asText(), d.get("Value").asText()));
    assertThat(dimensions).isEqualTo(Map.of("Pool", "adventure", "Stage", stage));
    assertThat(adventure.get("Threshold").asDouble()).isEqualTo(5);
    assertThat(adventure.get("ComparisonOperator").asText()).isEqualTo("LessThanThreshold");
    assertThat(adventure.get("Statistic").asText()).isEqualTo("Minimum");
    assertThat(adventure.get("TreatMissingData").asText()).isEqualTo("breaching");
    assertThat(adventure.get("AlarmActions")).hasSize(1);
    assertThat(adventure.get("AlarmDescription").asText())
        .contains("runbooks/pool-low.md")
        .contains("lab-adventure-");
    assertThat(
            alarms
                .get("sandbox-broker-" + stage + "-pool-dns-basics-low")
                .get("Threshold")
                .asDouble())
        .isEqualTo(2);
  }

  @Test
  void everyAlarmOfThePooledTemplateHasItsRunbookPage() {
    RunbookAudit audit = new RunbookAudit(SynthesizedBroker.REPO_ROOT.resolve("runbooks"));
    assertThat(audit.alarmsWithoutPage(broker.json)).isEmpty();
  }

  @Test
  void serviceAndJobsGetThePoolsAndTheServiceItsStage() {
    String expected = new PoolAssignment(broker.settings.pools()).toJson();
    int withPools = 0;
    for (JsonNode td : broker.resources("AWS::ECS::TaskDefinition").values()) {
      for (JsonNode c : td.get("Properties").get("ContainerDefinitions")) {
        Map<String, String> env = new TreeMap<>();
        c.path("Environment")
            .forEach(e -> env.put(e.get("Name").asText(), e.get("Value").asText()));
        if (env.containsKey("BROKER_POOLS")) {
          withPools++;
          assertThat(PoolAssignment.fromJson(env.get("BROKER_POOLS")).configured())
              .isEqualTo(broker.settings.pools());
          assertThat(env.get("BROKER_POOLS")).isEqualTo(expected);
        }
        if (c.get("Name").asText().equals(ApiService.CONTAINER_NAME)) {
          assertThat(env)
              .containsEntry("BROKER_STAGE", broker.settings.stage())
              .containsKey("BROKER_POOLS");
        }
      }
    }
    assertThat(withPools).isEqualTo(2); // the API service and the jobs-runner
  }
}
