package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The command rules themselves: each flags the defect it exists for, and passes what is right. */
class RunbookCommandsTest {
  private static final Set<String> PREREQUISITES = Set.of("aws", "curl", "jq", "date", "cut");

  private static List<RunbookCommands.Command> page(String bash) {
    return RunbookCommands.commands(
        "p.md", "# P\n```bash\n" + bash + "\n```\nSee `aws logs tail \"$X\"` too.\n");
  }

  @Test
  void splitsPipelinesSubstitutionsAndContinuationsIntoSimpleCommands() {
    List<RunbookCommands.Command> commands =
        page(
            """
            export ADMIN_TOKEN=$(aws secretsmanager get-secret-value --secret-id "$S" \\
              --query SecretString --output text | cut -d, -f1)   # first token
            for sm in "$A" "$B"; do
              aws stepfunctions list-executions --state-machine-arn "$sm" | jq '.executions[] | .name'
            done
            aws logs filter-log-events --log-group-name "$G" --start-time "$(( $(date +%s) - 1800 ))000"
            """);
    assertThat(commands)
        .extracting(RunbookCommands.Command::tool)
        .containsExactly("aws", "cut", "aws", "jq", "date", "aws", "aws");
    assertThat(commands.get(6).text()).isEqualTo("aws logs tail \"$X\"");
  }

  @Test
  void flagsAToolThePrerequisitesLackAndGnuOnlyFlags() {
    List<String> violations =
        RunbookCommands.toolViolations(
            page(
                "gdate +%s\ndate -u -d '1 hour ago' +%s\ncurl -sS x | jq .\ndate -u +%Y%m%d\n"
                    + "export EXEC=<failed executionArn>\nrunbooks/copy.sh a b\nrunbooks/missing.sh"),
            PREREQUISITES,
            path -> path.equals("runbooks/copy.sh"));
    assertThat(violations).hasSize(3);
    assertThat(violations.get(0)).contains("`gdate`");
    assertThat(violations.get(1)).contains("GNU-only `date -d`");
    assertThat(violations.get(2)).contains("`runbooks/missing.sh`");
  }

  @Test
  void flagsEcsExecWhereItIsNotEnabled() {
    List<RunbookCommands.Command> commands =
        page(
            "aws ecs execute-command --cluster c --task t --interactive --command \"curl -sS localhost:8081/metrics\"");
    assertThat(RunbookCommands.execViolations(commands, false)).hasSize(1);
    assertThat(RunbookCommands.execViolations(commands, true)).isEmpty();
  }

  @Test
  void anOperationMustBeAMethodOfTheServicesSdkClient() {
    List<String> violations =
        RunbookCommands.operationViolations(
            page(
                """
                aws dynamodb update-item --table-name t --key k
                aws stepfunctions redrive-execution --execution-arn "$E"
                aws ecs wait services-stable --cluster c --services s
                aws dynamodb update-itemz --table-name t
                aws ecs wait services-sleepy --cluster c
                aws lightsail get-instances
                """));
    assertThat(violations).hasSize(4);
    assertThat(violations.get(0))
        .contains("update-itemz")
        .contains("DynamoDbClient has no method updateItemz");
    assertThat(violations.get(1)).contains("no waiter");
    assertThat(violations.get(2)).contains("no SDK client mapped for `aws lightsail`");
    // the inline span: `aws logs tail` is a CLI customization, not an API operation
    assertThat(violations.get(3))
        .contains("aws logs tail")
        .contains("CloudWatchLogsClient has no method tail");
  }

  /**
   * Services whose Java client is not served here are checked against the JavaScript SDK's
   * commands.
   */
  @Test
  void anOperationOfAServiceWithoutAServedJavaClientMustBeACommandOfItsJsClient() {
    List<String> violations =
        RunbookCommands.operationViolations(
            page(
                """
                aws pipes describe-pipe --name p
                aws application-autoscaling register-scalable-target --service-namespace ecs
                aws pipes restart-pipe --name p
                """));
    // (the page helper also adds an inline `aws logs tail` span, checked in the test above)
    List<String> js = violations.stream().filter(v -> v.contains("@aws-sdk/")).toList();
    assertThat(js).hasSize(1);
    assertThat(js.get(0))
        .contains("restart-pipe")
        .contains("@aws-sdk/client-pipes has no RestartPipeCommand");
  }

  @Test
  void readsThePrerequisitesSectionOfTheIndex() {
    String index =
        "# R\n## Prerequisites\n- `aws` (AWS CLI v2), `curl`, `jq`\n- POSIX: `date`, `cut`\n## Other\n`gdate`\n";
    assertThat(RunbookCommands.prerequisites(index))
        .containsExactlyInAnyOrder("aws", "curl", "jq", "date", "cut");
  }

  @Test
  void camelCasesCliOperations() {
    assertThat(RunbookCommands.camel("update-item")).isEqualTo("updateItem");
    assertThat(RunbookCommands.camel("get-metric-statistics")).isEqualTo("getMetricStatistics");
  }
}
