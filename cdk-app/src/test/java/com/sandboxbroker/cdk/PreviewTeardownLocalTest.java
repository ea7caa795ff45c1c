package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The synthesized preview teardown state machine, executed locally (aws-local-stepfunctions) with
 * the AWS calls recorded: it warns, waits until the deadline, scales the API to zero and deletes
 * its own stack; a failed scale-down still deletes; a failed deletion notifies and fails.
 */
class PreviewTeardownLocalTest {
  private static final StageSynth PREVIEW = StageSynth.of("stage", "pr42", "ephemeralHours", "24");

  @Test
  @Timeout(120)
  void warnsThenScalesToZeroThenDeletesTheStack() throws IOException {
    JsonNode result = execute("");
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
    assertThat(states(result.get("calls")))
        .containsExactly(
            PreviewTeardown.WARN_STATE,
            PreviewTeardown.FLOOR_STATE,
            PreviewTeardown.SCALE_STATE,
            PreviewTeardown.DELETE_STATE);
    assertThat(states(result.get("entered")))
        .containsSubsequence(
            PreviewTeardown.WARN_STATE, PreviewTeardown.WAIT_STATE, PreviewTeardown.FLOOR_STATE);
    JsonNode warning = result.get("notifications").get(0);
    assertThat(warning.get("subject").asText()).contains("pr42").contains("one hour");
    assertThat(warning.get("message").asText())
        .contains("SandboxBroker-pr42")
        .contains(expectedDeleteAt());
    JsonNode floor = result.get("calls").get(1);
    assertThat(floor.get("resource").asText())
        .endsWith(":aws-sdk:applicationautoscaling:registerScalableTarget");
    assertThat(floor.get("params").get("ResourceId").asText())
        .isEqualTo("service/sandbox-broker-pr42/sandbox-broker-pr42-api");
    assertThat(floor.get("params").get("MinCapacity").asInt()).isZero();
    assertThat(floor.get("params").get("MaxCapacity").asInt()).isZero();
    JsonNode scale = result.get("calls").get(2);
    assertThat(scale.get("resource").asText()).endsWith(":aws-sdk:ecs:updateService");
    assertThat(scale.get("params").get("DesiredCount").asInt()).isZero();
    assertThat(scale.get("params").get("Service").asText()).isEqualTo("sandbox-broker-pr42-api");
    JsonNode delete = result.get("calls").get(3);
    assertThat(delete.get("resource").asText()).endsWith(":aws-sdk:cloudformation:deleteStack");
    assertThat(delete.get("params").get("StackName").asText()).isEqualTo("SandboxBroker-pr42");
    assertThat(result.get("notifications")).hasSize(1);
  }

  @Test
  @Timeout(120)
  void aFailedScaleDownStillDeletesTheStack() throws IOException {
    JsonNode result = execute(PreviewTeardown.SCALE_STATE);
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
    assertThat(states(result.get("calls")))
        .endsWith(PreviewTeardown.SCALE_STATE, PreviewTeardown.DELETE_STATE);
  }

  @Test
  @Timeout(120)
  void aFailedDeletionNotifiesAndFails() throws IOException {
    JsonNode result = execute(PreviewTeardown.DELETE_STATE);
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("FAILED");
    assertThat(result.get("notifications")).hasSize(2);
    assertThat(result.get("notifications").get(1).get("message").asText())
        .contains("SandboxBroker-pr42")
        .contains("delete-stack");
    assertThat(states(result.get("entered")))
        .contains(PreviewTeardown.NOTIFY_FAILED_STATE, PreviewTeardown.FAILED_STATE);
  }

  static String expectedDeleteAt() {
    return DeliverySettings.Preview.after(StageSynth.NOW, 24).deleteAt().toString();
  }

  /** The schedule's input, as EventBridge Scheduler would pass it to StartExecution. */
  private static String scheduleInput() {
    JsonNode schedule =
        PREVIEW.resources("AWS::Scheduler::Schedule").values().stream()
            .filter(s -> s.get("Properties").get("Name").asText().endsWith("-teardown"))
            .findFirst()
            .orElseThrow();
    return SynthesizedBroker.flatten(schedule.get("Properties").get("Target").get("Input"))
        .replace("REF_AWS::StackName", "SandboxBroker-pr42");
  }

  private static JsonNode execute(String fail) throws IOException {
    JsonNode machine =
        PREVIEW.resources("AWS::StepFunctions::StateMachine").values().stream()
            .filter(
                m ->
                    m.get("Properties")
                        .get("StateMachineName")
                        .asText()
                        .equals("sandbox-broker-pr42-teardown"))
            .findFirst()
            .orElseThrow();
    String asl = SynthesizedBroker.flatten(machine.get("Properties").get("DefinitionString"));
    Path file = SynthesizedBroker.MODULE_DIR.resolve("target/asl/pr42-teardown.asl.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, asl);
    NodeTool run =
        NodeTool.run(
            Map.of("FAIL", fail),
            "src/test/node/run-teardown.mjs",
            file.toString(),
            scheduleInput());
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String[] lines = run.stdout().strip().split("\n");
    return SynthesizedBroker.JSON.readTree(lines[lines.length - 1]);
  }

  private static List<String> states(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.isTextual() ? n.asText() : n.get("state").asText()));
    return names;
  }
}
