package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Least privilege: no action wildcards, and each role reaches only its own resources. */
class IamTemplateTest {
  private final SynthesizedBroker broker = SynthesizedBroker.get();

  private static List<String> actions(JsonNode statement) {
    List<String> actions = new ArrayList<>();
    JsonNode a = statement.get("Action");
    if (a.isArray()) {
      a.forEach(x -> actions.add(x.asText()));
    } else {
      actions.add(a.asText());
    }
    return actions;
  }

  @Test
  void noPolicyGrantsAServiceWideActionWildcard() {
    broker
        .resources("AWS::IAM::Policy")
        .forEach(
            (id, policy) -> {
              for (JsonNode statement :
                  policy.get("Properties").get("PolicyDocument").get("Statement")) {
                assertThat(actions(statement))
                    .as(id)
                    .noneMatch(a -> a.equals("*") || a.endsWith(":*"));
              }
            });
  }

  @Test
  void eachScheduleMayStartOnlyItsOwnStateMachine() {
    broker
        .resources("AWS::Scheduler::Schedule")
        .forEach(
            (id, schedule) -> {
              String role =
                  schedule
                      .get("Properties")
                      .get("Target")
                      .get("RoleArn")
                      .get("Fn::GetAtt")
                      .get(0)
                      .asText();
              String machine =
                  schedule.get("Properties").get("Target").get("Arn").get("Ref").asText();
              broker.resources("AWS::IAM::Policy").values().stream()
                  .filter(
                      p -> p.get("Properties").get("Roles").toString().contains("\"" + role + "\""))
                  .forEach(
                      p -> {
                        for (JsonNode statement :
                            p.get("Properties").get("PolicyDocument").get("Statement")) {
                          assertThat(actions(statement)).containsExactly("states:StartExecution");
                          assertThat(statement.get("Resource").toString())
                              .isEqualTo("{\"Ref\":\"" + machine + "\"}");
                        }
                      });
            });
  }

  @Test
  void theStateMachinesMayRunOnlyTheJobsTaskDefinition() {
    broker
        .resources("AWS::IAM::Policy")
        .forEach(
            (id, policy) -> {
              for (JsonNode statement :
                  policy.get("Properties").get("PolicyDocument").get("Statement")) {
                if (actions(statement).contains("ecs:RunTask")) {
                  assertThat(statement.get("Resource").toString())
                      .as(id)
                      .contains("JobsTaskTaskDefinition");
                }
                if (actions(statement).contains("iam:PassRole")) {
                  assertThat(statement.get("Resource").toString()).as(id).doesNotContain("\"*\"");
                }
              }
            });
  }
}
