package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runbooks against what is deployed and what is served: every alarm of the synthesized template
 * has its page, every page keeps the front matter and the four sections, and every admin API call a
 * page makes is a route of the OpenAPI document the running service publishes; every shell command
 * runs only tools the documented prerequisites provide (portably: macOS too), none runs inside a
 * task without ECS Exec, and every {@code aws} command names an operation of the AWS API (the SDK
 * client interface's methods, see {@link RunbookCommands}).
 *
 * <p>It lives in cdk-app because the template is synthesized here in-process (as every other
 * template test does); the OpenAPI document comes from the service's shaded jar, started as its own
 * process in local mode, so no service class or dependency shares this classpath with CDK's.
 */
class RunbookTest {
  private static final Path RUNBOOKS = SynthesizedBroker.REPO_ROOT.resolve("runbooks");
  private static final RunbookAudit AUDIT = new RunbookAudit(RUNBOOKS);
  private static RunningService service;

  @BeforeAll
  static void startService() {
    service =
        RunningService.start(
            SynthesizedBroker.REPO_ROOT, SynthesizedBroker.MODULE_DIR.resolve("target"));
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void everyAlarmOfTheTemplateHasItsRunbookPage() {
    JsonNode template = SynthesizedBroker.get().json;
    assertThat(RunbookAudit.alarms(template)).isNotEmpty();
    assertThat(AUDIT.alarmsWithoutPage(template)).isEmpty();
  }

  @Test
  void everyPageHasItsFrontMatterAndTheFourSections() {
    assertThat(AUDIT.pages()).isNotEmpty();
    assertThat(AUDIT.structure()).isEmpty();
  }

  @Test
  void everyAdminCallInAPageIsARouteOfTheServedOpenApiDocument() {
    JsonNode openApi = service.getJson("/v1/openapi.json");
    var calls = AUDIT.apiCalls();
    assertThat(calls)
        .extracting(RunbookAudit.ApiCall::path)
        .contains("/admin/stats", "/admin/jobs");
    assertThat(RunbookAudit.unknownRoutes(calls, openApi, "/v1")).isEmpty();
  }

  private static List<RunbookCommands.Command> allCommands() throws IOException {
    List<RunbookCommands.Command> commands = new ArrayList<>();
    List<Path> pages = new ArrayList<>(AUDIT.pages());
    pages.add(RUNBOOKS.resolve("README.md"));
    for (Path page : pages) {
      commands.addAll(
          RunbookCommands.commands(page.getFileName().toString(), Files.readString(page)));
    }
    return commands;
  }

  @Test
  void noCommandNeedsAToolTheDocumentedPrerequisitesLack() throws IOException {
    Set<String> prerequisites =
        RunbookCommands.prerequisites(Files.readString(RUNBOOKS.resolve("README.md")));
    assertThat(prerequisites).contains("aws", "curl", "jq");
    List<RunbookCommands.Command> commands = allCommands();
    assertThat(commands).extracting(RunbookCommands.Command::tool).contains("aws", "curl", "jq");
    assertThat(
            RunbookCommands.toolViolations(
                commands,
                prerequisites,
                path -> Files.isRegularFile(SynthesizedBroker.REPO_ROOT.resolve(path))))
        .isEmpty();
  }

  /** ECS Exec (and a curl in the image) would be needed to run a command inside a task. */
  @Test
  void noCommandRunsInsideATaskUnlessEcsExecIsEnabled() throws IOException {
    boolean execEnabled =
        SynthesizedBroker.get().resources("AWS::ECS::Service").values().stream()
            .anyMatch(s -> s.get("Properties").path("EnableExecuteCommand").asBoolean(false));
    assertThat(RunbookCommands.execViolations(allCommands(), execEnabled)).isEmpty();
  }

  @Test
  void everyAwsCommandNamesAnOperationOfTheSdksClientInterface() throws IOException {
    List<RunbookCommands.Command> aws =
        allCommands().stream().filter(c -> c.tool().equals("aws")).toList();
    assertThat(aws).hasSizeGreaterThan(30);
    assertThat(RunbookCommands.operationViolations(aws)).isEmpty();
  }
}
