package com.sandboxbroker.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every command the README shows a newcomer, run as written from a fresh copy of the checkout with
 * a local Maven repository that holds none of this project's artifacts (see {@link FreshClone}).
 * The commands are read from the README, so none of them can rot unnoticed. Commands that need an
 * AWS account ({@code cdk bootstrap}, {@code cdk deploy}, {@code aws …}) are not run; the synthesis
 * they deploy is.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadmeCommandsTest {

  /** Generous: the copies compile the reactor on a shared, possibly loaded 2-core machine. */
  private static final Duration BUILD = Duration.ofMinutes(15);

  private static Readme readme;

  @BeforeAll
  static void readReadme() {
    readme = Readme.parse(FreshClone.read(FreshClone.projectRoot().resolve("README.md")));
  }

  @Test
  @Order(1)
  void theTestCommandIsExactlyWhatCiRuns() {
    List<String> testCommands = readme.commands("Run all tests");
    assertThat(testCommands).as("README 'Run all tests' shows one command").hasSize(1);
    String ciRun = FreshClone.read(FreshClone.projectRoot().resolve(".ci/run"));
    assertThat(ciRun.lines().filter(l -> l.startsWith("exec ")))
        .as(".ci/run ends by running the README's test command, verbatim")
        .containsExactly("exec " + testCommands.get(0));
  }

  @Test
  @Order(2)
  void deploySynthRunsFromAFreshCloneWithoutAwsCredentials() throws IOException {
    FreshClone clone = FreshClone.get();
    List<String> deploy = readme.commands("Deploy");
    assertThat(deploy)
        .as("README Deploy: the CLI is installed from cdk-app's lock file")
        .contains("cd cdk-app", "npm ci");
    String exports = readme.command("Deploy", "export ");
    // The placeholder context of cdk.json, as README Deploy says works offline: the synth command
    // without the $CTX of a real account.
    String synth = readme.command("Deploy", "npx cdk synth").replace(" $CTX", "");

    Shell.Result result =
        clone.run(
            "cdk-synth",
            "cdk-app",
            "npm ci --no-audit --no-fund && " + exports + " && " + synth,
            BUILD);

    assertThat(result.exitCode()).as(result.describe()).isZero();
    Path out = clone.checkout().resolve("cdk-app/cdk.out");
    try (Stream<Path> files = Files.list(out)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertThat(names)
          .as("the stack's template in cdk.out")
          .anyMatch(n -> n.endsWith(".template.json"));
      assertThat(names)
          .as("cdk-nag's AwsSolutions pack ran on the synthesized app (it writes its report)")
          .anyMatch(n -> n.startsWith("AwsSolutions-") && n.endsWith("NagReport.csv"));
    }
  }

  @Test
  @Order(3)
  void runItLocallyStartsTheBrokerAndTheReadmeCallsAnswerAsDescribed() throws Exception {
    FreshClone clone = FreshClone.get();
    List<String> commands = readme.commands("Run it locally");
    String run = commands.get(0);
    assertThat(run).contains("java -jar").contains("server config.yml");
    int port = freePort();
    int adminPort = freePort();
    // config.yml's ports (8080/8081) may be taken on a shared machine; Dropwizard's dw.* overrides
    // move them without changing the command, and JAVA_TOOL_OPTIONS reaches the `java -jar` JVM.
    Map<String, String> ports =
        Map.of(
            "JAVA_TOOL_OPTIONS",
            "-Ddw.server.applicationConnectors[0].port="
                + port
                + " -Ddw.server.adminConnectors[0].port="
                + adminPort);

    try (Shell.Background service = clone.start("run-locally", ".", run, ports)) {
      awaitHealthy(service, port);
      String output = service.output();
      String trackToken = printed(output, "track token: (\\S+)");
      String adminToken = printed(output, "admin token: (\\S+)");

      String allocate =
          readme.command(
              "Run it locally", "curl -X POST -H \"Authorization: Bearer <track token>\"");
      Answer first = curl(clone, "allocate-1", allocate, trackToken, adminToken, port);
      Answer replay = curl(clone, "allocate-2", allocate, trackToken, adminToken, port);
      assertThat(first.status()).as("first allocation: " + first.body()).isEqualTo(201);
      assertThat(replay.status()).as("the same call again").isEqualTo(200);
      assertThat(replay.body()).as("the same body").isEqualTo(first.body());

      List<String> adminCalls = commands.stream().filter(c -> c.contains("<admin token>")).toList();
      assertThat(adminCalls).as("README shows the admin job calls").isNotEmpty();
      for (int i = 0; i < adminCalls.size(); i++) {
        Answer answer = curl(clone, "admin-" + i, adminCalls.get(i), trackToken, adminToken, port);
        assertThat(answer.status())
            .as(adminCalls.get(i) + " → " + answer.body())
            .isBetween(200, 202);
      }
    }
  }

  @Test
  @Order(4)
  void theJobsRunnerBuildsAndDocumentsItsEnvironment() {
    FreshClone clone = FreshClone.get();
    List<String> commands = readme.commands("The jobs-runner");
    Shell.Result result = clone.run("jobs-runner", ".", String.join(" && ", commands), BUILD);

    assertThat(result.exitCode()).as(result.describe()).isZero();
    // --help prints the environment contract: the state machine's task token is part of it
    assertThat(result.stdout()).contains("TASK_TOKEN").contains("TABLE_NAME");
  }

  @Test
  @Order(5)
  void theBenchmarkBuildsAndRunsASmallClassStart() {
    FreshClone clone = FreshClone.get();
    String command = readme.command("Performance", "mvn ");
    assertThat(command).contains("java -jar").contains("--out bench-results.json");
    // The README's command in its --quick mode (class-start-20 through the keep-alive pool and its
    // with-jobs variant: load generator, pinned floor process, replays, admin job runs): the same
    // build, jar and code paths in well under the full run's minutes.
    Shell.Result result = clone.run("bench", ".", command + " --quick", BUILD);

    assertThat(result.exitCode()).as(result.describe()).isZero();
    String json = FreshClone.read(clone.checkout().resolve("bench-results.json"));
    assertThat(json)
        .contains("\"class-start-20\"", "\"class-start-20-with-jobs\"")
        .contains(
            "\"service_cpu_ms_per_allocation\"",
            "\"inprocess_cpu_ms_per_allocation\"",
            "\"pinning\"")
        .contains("\"replay 200\" : 20");
    assertThat(Pattern.compile("\"double_allocations\"\\s*:\\s*[1-9]").matcher(json).find())
        .as("no double allocation in:\n" + json)
        .isFalse();
    assertThat(Pattern.compile("\"(replay |job \\S+ )?409\\b").matcher(json).find())
        .as("no 409 in any scenario's outcomes:\n" + json)
        .isFalse();
  }

  private record Answer(int status, String body) {}

  /** A README curl line with its placeholders filled in, printing the status after the body. */
  private static Answer curl(
      FreshClone clone, String name, String line, String track, String admin, int port) {
    String command =
        line.replace("<track token>", track)
                .replace("<admin token>", admin)
                .replace("localhost:8080", "localhost:" + port)
            + " -sS -w '\\n%{http_code}'";
    Shell.Result result = clone.run(name, ".", command, Duration.ofMinutes(2));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    String out = result.stdout().strip();
    int lastLine = out.lastIndexOf('\n');
    return new Answer(
        Integer.parseInt(out.substring(lastLine + 1).strip()), out.substring(0, lastLine).strip());
  }

  private static void awaitHealthy(Shell.Background service, int port) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(BUILD);
    while (Instant.now().isBefore(deadline)) {
      assertThat(service.process().isAlive())
          .as("the run command exited early:\n" + service.output())
          .isTrue();
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still building or starting
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(
        "the broker did not answer /healthz within " + BUILD + ":\n" + service.output());
  }

  private static String printed(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    assertThat(m.find()).as("the run command prints /" + regex + "/:\n" + output).isTrue();
    return m.group(1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
