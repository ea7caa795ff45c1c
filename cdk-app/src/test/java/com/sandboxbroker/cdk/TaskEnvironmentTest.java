package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.contract.ServiceEnvironment;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The task definitions' environments against core's contracts; secrets only via Secrets Manager.
 */
class TaskEnvironmentTest {
  private final SynthesizedBroker broker = SynthesizedBroker.get();

  private JsonNode container(String name) {
    for (JsonNode td : broker.resources("AWS::ECS::TaskDefinition").values()) {
      for (JsonNode c : td.get("Properties").get("ContainerDefinitions")) {
        if (name.equals(c.get("Name").asText())) {
          return c;
        }
      }
    }
    throw new AssertionError("no container " + name);
  }

  private static Set<String> names(JsonNode list) {
    Set<String> names = new TreeSet<>();
    if (list != null) {
      list.forEach(e -> names.add(e.get("Name").asText()));
    }
    return names;
  }

  @Test
  void jobsTaskEnvironmentKeysEqualTheJobsEnvironmentContract() {
    JsonNode container = container(JobsTask.CONTAINER_NAME);
    Set<String> plain = names(container.get("Environment"));
    Set<String> secrets = names(container.get("Secrets"));
    for (JobName job : JobName.values()) {
      Set<String> overrides =
          names(
              broker
                  .definition(job)
                  .get("States")
                  .get(JobStateMachine.RUN_STATE)
                  .get("Parameters")
                  .get("Overrides")
                  .get("ContainerOverrides")
                  .get(0)
                  .get("Environment"));
      Set<String> all = new TreeSet<>(plain);
      all.addAll(secrets);
      all.addAll(overrides);
      assertThat(all)
          .as(job.wireName())
          .isEqualTo(
              Arrays.stream(JobsEnvironment.values())
                  .map(Enum::name)
                  .collect(Collectors.toCollection(TreeSet::new)));
      assertThat(overrides).containsExactlyInAnyOrder("TASK_TOKEN", "EXECUTION_ARN");
    }
    assertThat(secrets)
        .isEqualTo(
            Arrays.stream(JobsEnvironment.values())
                .filter(JobsEnvironment::isSecret)
                .map(Enum::name)
                .collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void serviceTaskEnvironmentUsesOnlyServiceEnvironmentNamesAndItsSecretsAreSecrets() {
    JsonNode container = container(ApiService.CONTAINER_NAME);
    Set<String> contract =
        Arrays.stream(ServiceEnvironment.values()).map(Enum::name).collect(Collectors.toSet());
    Set<String> plain = names(container.get("Environment"));
    Set<String> secrets = names(container.get("Secrets"));
    assertThat(plain).isSubsetOf(contract);
    assertThat(secrets)
        .isEqualTo(
            Arrays.stream(ServiceEnvironment.values())
                .filter(ServiceEnvironment::isSecret)
                .map(Enum::name)
                .collect(Collectors.toCollection(TreeSet::new)));
    assertThat(container.get("Environment").toString())
        .contains("\"BROKER_STORE\",\"Value\":\"aws\"")
        .contains("\"BROKER_JOBS_MODE\",\"Value\":\"step-functions\"");
    assertThat(plain)
        .contains(
            "SYNC_STATE_MACHINE_ARN",
            "CLEANUP_STATE_MACHINE_ARN",
            "EXPIRY_STATE_MACHINE_ARN",
            "TABLE_NAME");
  }

  @Test
  void noSecretIsAPlainEnvironmentValueAnywhere() {
    Set<String> secretNames = new TreeSet<>();
    Arrays.stream(JobsEnvironment.values())
        .filter(JobsEnvironment::isSecret)
        .forEach(v -> secretNames.add(v.name()));
    Arrays.stream(ServiceEnvironment.values())
        .filter(ServiceEnvironment::isSecret)
        .forEach(v -> secretNames.add(v.name()));
    for (JsonNode td : broker.resources("AWS::ECS::TaskDefinition").values()) {
      for (JsonNode c : td.get("Properties").get("ContainerDefinitions")) {
        assertThat(names(c.get("Environment")))
            .as(c.get("Name").asText())
            .doesNotContainAnyElementsOf(secretNames);
        // each secret is a reference to a Secrets Manager secret, never a literal
        if (c.has("Secrets")) {
          c.get("Secrets")
              .forEach(s -> assertThat(s.get("ValueFrom").has("Ref")).as(s.toString()).isTrue());
        }
      }
    }
    // nor do the state machines pass one as an override
    for (JobName job : JobName.values()) {
      assertThat(broker.definition(job).toString())
          .doesNotContain(secretNames.toArray(String[]::new));
    }
  }
}
