package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.JobName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each job's state machine, read from the synthesized template. */
class StateMachineTemplateTest {
  private final SynthesizedBroker broker = SynthesizedBroker.get();

  @ParameterizedTest
  @EnumSource(JobName.class)
  void runsTheJobsRunnerWithATaskTokenHeartbeatAndTimeout(JobName job) {
    JsonNode asl = broker.definition(job);
    assertThat(asl.get("StartAt").asText()).isEqualTo(JobStateMachine.RUN_STATE);
    JsonNode run = asl.get("States").get(JobStateMachine.RUN_STATE);

    assertThat(run.get("Type").asText()).isEqualTo("Task");
    assertThat(run.get("Resource").asText())
        .isEqualTo("arn:aws:states:::ecs:runTask.waitForTaskToken");
    assertThat(run.get("HeartbeatSeconds").asInt())
        .isEqualTo(broker.settings.jobs().heartbeatTimeout().toSeconds());
    assertThat(run.get("TimeoutSeconds").asInt())
        .isEqualTo(broker.settings.jobs().taskTimeout().toSeconds());
    assertThat(run.get("HeartbeatSeconds").asInt()).isLessThan(run.get("TimeoutSeconds").asInt());

    JsonNode params = run.get("Parameters");
    assertThat(params.get("LaunchType").asText()).isEqualTo("FARGATE");
    JsonNode override = params.get("Overrides").get("ContainerOverrides").get(0);
    assertThat(override.get("Name").asText()).isEqualTo(JobsTask.CONTAINER_NAME);
    assertThat(override.get("Command"))
        .containsExactly(SynthesizedBroker.JSON.getNodeFactory().textNode(job.wireName()));
    Map<String, String> env = new TreeMap<>();
    override
        .get("Environment")
        .forEach(e -> env.put(e.get("Name").asText(), e.path("Value.$").asText(null)));
    // the token and the execution ARN come from the context object, per execution
    assertThat(env)
        .containsEntry("TASK_TOKEN", "$$.Task.Token")
        .containsEntry("EXECUTION_ARN", "$$.Execution.Id");
  }

  @ParameterizedTest
  @EnumSource(JobName.class)
  void retriesTransientFailuresWithBackoffAndJitter(JobName job) {
    JsonNode run = broker.definition(job).get("States").get(JobStateMachine.RUN_STATE);
    List<String> retried = new ArrayList<>();
    for (JsonNode retrier : run.get("Retry")) {
      retrier.get("ErrorEquals").forEach(e -> retried.add(e.asText()));
      assertThat(retrier.get("BackoffRate").asDouble()).as("backoff").isGreaterThan(1.0);
      assertThat(retrier.get("IntervalSeconds").asInt()).isPositive();
      assertThat(retrier.get("MaxAttempts").asInt()).isBetween(2, 6);
      assertThat(retrier.get("JitterStrategy").asText()).isEqualTo("FULL");
      assertThat(retrier.get("MaxDelaySeconds").asInt()).isPositive();
    }
    // transient runner errors, a runner that stopped heart-beating, and ECS capacity failures
    assertThat(retried)
        .contains("UpstreamUnavailable", "States.HeartbeatTimeout", "ECS.AmazonECSException")
        // a broken configuration or a failed job does not heal by retrying
        .doesNotContain("InvalidConfig", "JobFailed", "States.ALL", "States.Timeout");
  }

  /**
   * Redrive restarts an execution at the state that failed. With every error caught and routed to a
   * Fail state, that state was Fail and a redrive failed again at once; now a failure for good
   * fails RunJob itself, so a redrive runs the job again. Notification is the EventBridge rule's
   * (OperationsAlarmsTemplateTest), never a state of the machine: one message per failure.
   */
  @ParameterizedTest
  @EnumSource(JobName.class)
  void aFailureForGoodFailsTheRunStateItselfSoRedriveRerunsTheJob(JobName job) {
    JsonNode states = broker.definition(job).get("States");
    assertThat(states.size()).isEqualTo(1);
    JsonNode run = states.get(JobStateMachine.RUN_STATE);
    assertThat(run.has("Catch")).isFalse();
    assertThat(run.get("End").asBoolean()).isTrue();
    states.forEach(
        state -> {
          assertThat(state.get("Type").asText()).isNotEqualTo("Fail");
          assertThat(state.path("Resource").asText()).doesNotContain("sns:publish");
        });
  }

  @ParameterizedTest
  @EnumSource(JobName.class)
  void isStandardWithFullLoggingTracingAndAnOverallTimeout(JobName job) {
    JsonNode machine =
        broker.resources("AWS::StepFunctions::StateMachine").values().stream()
            .filter(
                m ->
                    m.get("Properties")
                        .get("StateMachineName")
                        .asText()
                        .endsWith("-" + job.wireName()))
            .findFirst()
            .orElseThrow();
    JsonNode props = machine.get("Properties");
    assertThat(props.get("StateMachineType").asText()).isEqualTo("STANDARD");
    assertThat(props.get("LoggingConfiguration").get("Level").asText()).isEqualTo("ALL");
    assertThat(props.get("LoggingConfiguration").get("IncludeExecutionData").asBoolean()).isTrue();
    assertThat(props.get("TracingConfiguration").get("Enabled").asBoolean()).isTrue();
    int overall = broker.definition(job).get("TimeoutSeconds").asInt();
    // every attempt may use its whole task timeout: the overall limit must leave room for retries
    assertThat(overall).isGreaterThan(3 * (int) broker.settings.jobs().taskTimeout().toSeconds());
  }
}
