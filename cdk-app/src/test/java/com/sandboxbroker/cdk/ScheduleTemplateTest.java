package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.JobName;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** One EventBridge Scheduler schedule per job, each starting its own job's state machine. */
class ScheduleTemplateTest {
  private final SynthesizedBroker broker = SynthesizedBroker.get();

  @Test
  void oneSchedulePerJobTargetingItsStateMachine() {
    Map<String, String> machineLogicalIdByName = new HashMap<>();
    broker
        .resources("AWS::StepFunctions::StateMachine")
        .forEach(
            (id, m) ->
                machineLogicalIdByName.put(
                    m.get("Properties").get("StateMachineName").asText(), id));
    Map<String, JsonNode> schedules = broker.resources("AWS::Scheduler::Schedule");
    assertThat(schedules).hasSize(JobName.values().length);

    for (JobName job : JobName.values()) {
      String machineName = "sandbox-broker-" + broker.settings.stage() + "-" + job.wireName();
      JsonNode schedule =
          schedules.values().stream()
              .filter(s -> s.get("Properties").get("Name").asText().equals(machineName))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no schedule for " + job));
      JsonNode props = schedule.get("Properties");
      long minutes = broker.settings.jobs().rate(job).toMinutes();
      assertThat(rateMinutes(props.get("ScheduleExpression").asText())).isEqualTo(minutes);
      // issue #15: off until the stage is deployed with -c jobSchedules=enabled
      // (DeliveryTemplateTest)
      assertThat(props.get("State").asText("ENABLED"))
          .isEqualTo(broker.settings.delivery().jobSchedulesEnabled() ? "ENABLED" : "DISABLED");
      JsonNode target = props.get("Target");
      assertThat(target.get("Arn").get("Ref").asText())
          .isEqualTo(machineLogicalIdByName.get(machineName));
      assertThat(target.get("Input").asText()).contains("\"job\":\"" + job.wireName() + "\"");
      assertThat(target.get("RoleArn").get("Fn::GetAtt").get(0).asText()).isNotBlank();
    }
  }

  /** "rate(15 minutes)", "rate(1 hour)", "rate(2 hours)" → minutes. */
  private static long rateMinutes(String expression) {
    var m = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours)\\)").matcher(expression);
    assertThat(m.matches()).as(expression).isTrue();
    long n = Long.parseLong(m.group(1));
    return m.group(2).startsWith("hour") ? n * 60 : n;
  }
}
