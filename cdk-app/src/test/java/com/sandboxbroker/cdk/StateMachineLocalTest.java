package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.testing.LocalDynamo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Executes each synthesized state machine definition locally (aws-local-stepfunctions) with the ECS
 * task replaced by the REAL jobs-runner (its main class on this test classpath) against an
 * in-process DynamoDB Local and a static inventory: the success path, retried transient failures
 * (ECS capacity; the upstream unavailable), and a failure for good that fails the execution in
 * RunJob, after which a redrive (the harness restarts the definition at the failed state, as AWS's
 * redrive does) re-runs the real runner. The runner reports through its task token to a Step
 * Functions stub in the harness (src/test/node/run-sfn.mjs), so the token protocol is exercised end
 * to end.
 */
class StateMachineLocalTest {
  static final String JOBS_MAIN = "com.sandboxbroker.jobs.JobsRunner";
  private static LocalDynamo ddb;
  private static DynamoDbClient client;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    boolean runnerPresent;
    try {
      Class.forName(JOBS_MAIN, false, StateMachineLocalTest.class.getClassLoader());
      runnerPresent = true;
    } catch (ClassNotFoundException e) {
      runnerPresent = false;
    }
    Assumptions.assumeTrue(
        runnerPresent,
        JOBS_MAIN
            + " is not on the test classpath: the jobs-runner module is not merged into this"
            + " branch yet, so the local executions cannot run the real runner");
    ddb = LocalDynamo.start();
    client = ddb.client();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (ddb != null) {
      ddb.close();
    }
  }

  @ParameterizedTest
  @EnumSource(JobName.class)
  @Timeout(300)
  void successPath(JobName job) throws IOException {
    String table = freshTable();
    JsonNode result = execute(job, jobEnvironment(table), null, null);
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
    assertThat(result.get("attempts")).hasSize(1);
    JsonNode attempt = result.get("attempts").get(0);
    assertThat(attempt.get("exitCode").asInt()).isZero();
    assertThat(attempt.get("callback").asText()).isEqualTo("SendTaskSuccess");
    assertThat(attempt.get("exitCodeMatchesCallback").asBoolean()).isTrue();
    // the runner's first heartbeat goes out when it starts (the period is 30 s)
    assertThat(attempt.get("heartbeats").asInt()).isPositive();
    assertThat(attempt.get("command").get(0).asText()).isEqualTo(job.wireName());
    // the state machine hands the runner its token and execution ARN from the context object
    assertThat(attempt.get("taskToken").asText()).isEqualTo("local-task-token");
    assertThat(attempt.get("report").get("job").asText()).isEqualTo(job.wireName());
    assertThat(attempt.get("report").get("outcome").asText()).isIn("succeeded", "skipped");
    assertThat(attempt.get("report").get("execution_arn").asText()).contains(":execution:");
    assertThat(result.get("output").get("report").get("job").asText()).isEqualTo(job.wireName());
    assertThat(result.get("notifications")).isEmpty();
    theRunsJobOutcomeIsWhatTheNotSucceededAlarmReads(job, attempt);
    if (job == JobName.SYNC) {
      // the real work happened: both inventory accounts are now sandbox items in the table
      assertThat(attempt.get("report").get("counts").get("inserted").asInt()).isEqualTo(2);
      long sandboxes =
          client.scan(b -> b.tableName(table)).items().stream()
              .filter(
                  i ->
                      i.get(TableContract.PARTITION_KEY)
                          .s()
                          .startsWith(TableContract.SANDBOX_PK_PREFIX))
              .count();
      assertThat(sandboxes).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(JobName.class)
  @Timeout(300)
  void aTransientEcsCapacityFailureIsRetriedThenSucceeds(JobName job) throws IOException {
    JsonNode result = execute(job, jobEnvironment(freshTable()), "1:ECS.AmazonECSException", null);
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
    assertThat(result.get("attempts")).hasSize(2);
    assertThat(result.get("attempts").get(0).get("error").asText())
        .isEqualTo("ECS.AmazonECSException");
    assertThat(result.get("attempts").get(1).get("exitCode").asInt()).isZero();
    assertThat(result.get("retried").toString()).contains(JobStateMachine.RUN_STATE);
    assertThat(result.get("notifications")).isEmpty();
  }

  /** The runner's own transient error: CSP answers 503 to the whole first run, then recovers. */
  @org.junit.jupiter.api.Test
  @Timeout(300)
  void anUnavailableUpstreamIsRetriedThenTheSyncSucceeds() throws IOException {
    Map<String, String> env = jobEnvironment(freshTable());
    env.put(JobsEnvironment.PROVIDER.name(), "csp");
    env.put(JobsEnvironment.CSP_API_TOKEN.name(), "local-token");
    JsonNode result = execute(JobName.SYNC, env, null, "3"); // the runner tries a listing 3 times
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
    assertThat(result.get("attempts")).hasSize(2);
    JsonNode first = result.get("attempts").get(0);
    assertThat(first.get("error").asText()).as(first.toString()).isEqualTo("UpstreamUnavailable");
    assertThat(first.get("callback").asText()).isEqualTo("SendTaskFailure");
    assertThat(first.get("exitCode").asInt()).isEqualTo(3);
    assertThat(result.get("attempts").get(1).get("callback").asText()).isEqualTo("SendTaskSuccess");
    assertThat(result.get("retried").toString()).contains(JobStateMachine.RUN_STATE);
    assertThat(result.get("notifications")).isEmpty();
  }

  /**
   * A failure no retry heals (no table name: the runner's exit code 2, InvalidConfig) fails the
   * execution in RunJob itself, with the runner's error, and the machine publishes nothing (the
   * EventBridge rule sends the one notification). The operator then fixes the configuration and
   * redrives: redrive restarts at the failed state, RunJob, so the real jobs-runner runs again and
   * the execution succeeds, the sync doing its real work.
   */
  @ParameterizedTest
  @EnumSource(JobName.class)
  @Timeout(300)
  void aFailureForGoodFailsInRunJobAndARedriveAfterTheFixRerunsTheJob(JobName job)
      throws IOException {
    String table = freshTable();
    Map<String, String> broken = jobEnvironment(table);
    broken.remove(JobsEnvironment.TABLE_NAME.name());
    JsonNode result =
        executeAndRedrive(
            job, SynthesizedBroker.get().writeDefinition(job), broken, jobEnvironment(table));
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("FAILED");
    assertThat(result.get("error").asText()).isEqualTo("InvalidConfig");
    assertThat(result.get("attempts")).hasSize(1);
    assertThat(result.get("attempts").get(0).get("exitCode").asInt()).isEqualTo(2);
    assertThat(result.get("attempts").get(0).get("callback").asText()).isEqualTo("SendTaskFailure");
    assertThat(result.get("entered").toString())
        .isEqualTo("[\"" + JobStateMachine.RUN_STATE + "\"]");
    assertThat(result.get("notifications")).isEmpty();

    JsonNode redrive = result.get("redrive");
    assertThat(redrive.get("failedState").asText()).isEqualTo(JobStateMachine.RUN_STATE);
    assertThat(redrive.get("status").asText()).as(redrive.toString()).isEqualTo("SUCCEEDED");
    assertThat(redrive.get("attempts")).hasSize(1);
    JsonNode rerun = redrive.get("attempts").get(0);
    assertThat(rerun.get("exitCode").asInt()).isZero();
    assertThat(rerun.get("callback").asText()).isEqualTo("SendTaskSuccess");
    assertThat(rerun.get("report").get("outcome").asText()).isEqualTo("succeeded");
    if (job == JobName.SYNC) {
      assertThat(rerun.get("report").get("counts").get("inserted").asInt()).isEqualTo(2);
    }
  }

  /**
   * The shape this replaced: every error caught and routed through a notify state to a Fail state.
   * Its failed state is the Fail state, so the same redrive after the same fix fails again at once
   * and never runs the job: the runbook's redrive could not work.
   */
  @org.junit.jupiter.api.Test
  @Timeout(300)
  void withACatchToAFailStateTheSameRedriveFailsAgainWithoutRunningTheJob() throws IOException {
    String table = freshTable();
    Map<String, String> broken = jobEnvironment(table);
    broken.remove(JobsEnvironment.TABLE_NAME.name());
    ObjectNode asl = (ObjectNode) SynthesizedBroker.get().definition(JobName.SYNC).deepCopy();
    var run = (ObjectNode) asl.get("States").get(JobStateMachine.RUN_STATE);
    run.putArray("Catch")
        .addObject()
        .put("Next", "JobFailed")
        .put("ResultPath", "$.error")
        .putArray("ErrorEquals")
        .add("States.ALL");
    asl.with("States")
        .putObject("JobFailed")
        .put("Type", "Fail")
        .put("ErrorPath", "$.error.Error")
        .put("CausePath", "$.error.Cause");
    Path file = dir.resolve("caught.asl.json");
    Files.writeString(file, SynthesizedBroker.JSON.writeValueAsString(asl));

    JsonNode result = executeAndRedrive(JobName.SYNC, file, broken, jobEnvironment(table));
    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("FAILED");
    JsonNode redrive = result.get("redrive");
    assertThat(redrive.get("failedState").asText()).isEqualTo("JobFailed");
    assertThat(redrive.get("status").asText()).as(redrive.toString()).isEqualTo("FAILED");
    assertThat(redrive.get("attempts")).isEmpty();
  }

  /**
   * A wedged job (the CSP stub accepts the listing and never answers; the runner's per-call
   * deadline is longer than the heartbeat timeout) ends in States.HeartbeatTimeout: the real runner
   * heartbeats only while it completes steps. Each timed-out runner then stops by itself (exit 1,
   * lock released) instead of holding the job's lock, so every retry really runs (none is "skipped"
   * and reported as a success), and the execution ends failed. Before the fix the runner
   * heartbeated on a timer whatever it did: no heartbeat timeout ever came.
   */
  @org.junit.jupiter.api.Test
  @Timeout(400)
  void aWedgedUpstreamEndsInAHeartbeatTimeoutAndEachRunnerStopsAndFreesTheLock()
      throws IOException {
    String table = freshTable();
    Map<String, String> env = jobEnvironment(table);
    env.put(JobsEnvironment.PROVIDER.name(), "csp");
    env.put(JobsEnvironment.CSP_API_TOKEN.name(), "local-token");
    env.put(
        JobsEnvironment.CSP_TIMEOUT_SECONDS.name(),
        "120"); // one call outlives the heartbeat timeout
    env.put(JobsEnvironment.SFN_HEARTBEAT_SECONDS.name(), "1");
    env.put(JobsEnvironment.JOB_LOCK_TTL_SECONDS.name(), "2");
    // the heartbeat timeout leaves a started JVM room for its first heartbeat on a busy machine (at
    // 5 s a runner that took longer to start timed out before it sent any); the stall check comes
    // after the timeout, so the timed-out runner stops by itself for lack of progress
    env.put(JobsEnvironment.JOB_STALL_SECONDS.name(), "24");
    long start = System.nanoTime();
    JsonNode result =
        execute(JobName.SYNC, env, Map.of("CSP_STALL", "1", "HEARTBEAT_TIMEOUT_SECONDS", "15"));
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;

    assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("FAILED");
    assertThat(result.get("error").asText()).isEqualTo("States.HeartbeatTimeout");
    // the first attempt and the state machine's three retries of a heartbeat timeout
    assertThat(result.get("attempts")).hasSize(4);
    for (JsonNode attempt : result.get("attempts")) {
      assertThat(attempt.get("error").asText())
          .as(attempt.toString())
          .isEqualTo("States.HeartbeatTimeout");
      // one heartbeat as it started, then silence while nothing moved
      assertThat(attempt.get("heartbeats").asInt()).as(attempt.toString()).isEqualTo(1);
      // the runner stopped by itself after the timeout: exit 1, a failed report saying why
      assertThat(attempt.get("exitCode").asInt()).as(attempt.toString()).isEqualTo(1);
      assertThat(attempt.get("exitedAfterTimeoutMs").asLong())
          .as(attempt.toString())
          .isLessThan(30_000);
      assertThat(attempt.get("report").get("outcome").asText()).isEqualTo("failed");
      assertThat(attempt.get("report").get("detail").asText()).contains("no progress");
      // and counted as a failed run for the JobOutcome alarms (a stopped run published nothing
      // before)
      assertThat(attempt.get("stderrTail").asText())
          .as(attempt.toString())
          .containsPattern("\\{\"_aws\".*\"JobOutcome\".*\"Outcome\":\"failed\"");
    }
    // every attempt reached the upstream: none was skipped behind a wedged run's lock
    assertThat(result.get("cspRequests").asInt()).isGreaterThanOrEqualTo(4);
    // the execution itself fails (no Catch, no notify state): its one notification comes from the
    // failed-execution rule (OperationsAlarmsTemplateTest), so nothing is published from in here
    assertThat(result.get("entered").toString())
        .isEqualTo("[\"" + JobStateMachine.RUN_STATE + "\"]");
    assertThat(result.get("notifications")).isEmpty();
    // and the last runner left the lock free
    var lock =
        client.scan(b -> b.tableName(table)).items().stream()
            .filter(
                i -> i.get(TableContract.PARTITION_KEY).s().startsWith(TableContract.JOB_PK_PREFIX))
            .filter(i -> i.get(TableContract.SORT_KEY).s().equals("LOCK"))
            .toList();
    assertThat(lock).as("lock items left").isEmpty();
    System.out.printf("wedged sync: 4 heartbeat timeouts, execution FAILED in %d s%n", seconds);
  }

  /**
   * The real runner's JobOutcome EMF line (on its stderr) defines exactly the metric, dimensions
   * and values included, that the job's "not succeeded" alarm reads: a succeeded run counts there,
   * and a skipped one lands on another Outcome the alarm does not read.
   */
  private static void theRunsJobOutcomeIsWhatTheNotSucceededAlarmReads(
      JobName job, JsonNode attempt) throws IOException {
    SynthesizedBroker broker = SynthesizedBroker.get();
    JsonNode found = null;
    for (String line : attempt.get("stderrTail").asText().split("\n")) {
      if (line.startsWith("{") && line.contains("\"" + Monitoring.JOB_OUTCOME + "\"")) {
        found = SynthesizedBroker.JSON.readTree(line);
      }
    }
    assertThat(found).as(attempt.get("stderrTail").asText()).isNotNull();
    JsonNode outcomeLine = found;
    JsonNode directive = outcomeLine.get("_aws").get("CloudWatchMetrics").get(0);
    Map<String, String> published = new TreeMap<>();
    directive
        .get("Dimensions")
        .get(0)
        .forEach(d -> published.put(d.asText(), outcomeLine.get(d.asText()).asText()));
    JsonNode alarm =
        broker.resources("AWS::CloudWatch::Alarm").values().stream()
            .map(a -> a.get("Properties"))
            .filter(
                a ->
                    a.get("AlarmName")
                        .asText()
                        .endsWith("-" + job.wireName() + JobSchedulesGate.NOT_SUCCEEDED_SUFFIX))
            .findFirst()
            .orElseThrow();
    Map<String, String> read = new TreeMap<>();
    alarm.get("Dimensions").forEach(d -> read.put(d.get("Name").asText(), d.get("Value").asText()));
    assertThat(directive.get("Namespace").asText()).isEqualTo(alarm.get("Namespace").asText());
    assertThat(directive.get("Metrics").get(0).get("Name").asText())
        .isEqualTo(alarm.get("MetricName").asText());
    if (attempt.get("report").get("outcome").asText().equals("succeeded")) {
      assertThat(published).isEqualTo(read);
    } else {
      assertThat(published.get("Outcome")).startsWith("skipped_");
      assertThat(published).isNotEqualTo(read);
    }
  }

  private static String freshTable() {
    String table = LocalDynamo.uniqueTableName();
    new SandboxTable(client, table).createIfMissing();
    return table;
  }

  /** The task definition's environment as it is locally: DynamoDB Local, static provider. */
  private static Map<String, String> jobEnvironment(String table) throws IOException {
    Path inventory = dir.resolve("inventory.json");
    Files.writeString(
        inventory,
        """
        [{"sandbox_id": "9001", "name": "lab-local-0001", "external_id": "identity/accounts/4a1e9c52-3c1a-4d7e-9a1b-5d8d6a1f0001"},
         {"sandbox_id": "9002", "name": "lab-local-0002", "external_id": "identity/accounts/4a1e9c52-3c1a-4d7e-9a1b-5d8d6a1f0002"}]
        """);
    Map<String, String> env = new HashMap<>();
    env.put(JobsEnvironment.TABLE_NAME.name(), table);
    env.put(JobsEnvironment.AWS_REGION.name(), "us-east-1");
    env.put(JobsEnvironment.DYNAMODB_ENDPOINT.name(), ddb.endpoint().toString());
    env.put(JobsEnvironment.PROVIDER.name(), "static");
    env.put(JobsEnvironment.STATIC_INVENTORY_PATH.name(), inventory.toString());
    env.put(JobsEnvironment.NIOSXAAS_ENABLED.name(), "false");
    // as the synthesized task definition sets it: the Stage dimension the alarms select
    env.put(JobsEnvironment.BROKER_STAGE.name(), SynthesizedBroker.get().settings.stage());
    return env;
  }

  private static JsonNode execute(
      JobName job, Map<String, String> jobEnv, String failFirst, String cspFailFirst)
      throws IOException {
    Map<String, String> harness = new HashMap<>();
    if (failFirst != null) {
      harness.put("FAIL_FIRST", failFirst);
    }
    if (cspFailFirst != null) {
      harness.put("CSP_FAIL_FIRST", cspFailFirst);
    }
    return execute(job, jobEnv, harness);
  }

  private static JsonNode execute(
      JobName job, Map<String, String> jobEnv, Map<String, String> harness) throws IOException {
    return execute(job, SynthesizedBroker.get().writeDefinition(job), jobEnv, harness);
  }

  /** Runs {@code asl}; when it fails, redrives it with the task environment {@code redriveEnv}. */
  private static JsonNode executeAndRedrive(
      JobName job, Path asl, Map<String, String> jobEnv, Map<String, String> redriveEnv)
      throws IOException {
    return execute(
        job,
        asl,
        jobEnv,
        Map.of("REDRIVE_JOB_ENV", SynthesizedBroker.JSON.writeValueAsString(redriveEnv)));
  }

  /**
   * Runs {@code asl} with the harness settings of run-sfn.mjs ({@code FAIL_FIRST}, {@code
   * CSP_STALL}, ...).
   */
  private static JsonNode execute(
      JobName job, Path asl, Map<String, String> jobEnv, Map<String, String> harness)
      throws IOException {
    Map<String, String> env = new HashMap<>(harness);
    env.put("JOBS_CLASSPATH", System.getProperty("java.class.path"));
    env.put("JOBS_MAIN", JOBS_MAIN);
    env.put("JOB_ENV", SynthesizedBroker.JSON.writeValueAsString(jobEnv));
    env.put("STATE_MACHINE_NAME", "sandbox-broker-dev-" + job.wireName());
    NodeTool run =
        NodeTool.run(
            env,
            "src/test/node/run-sfn.mjs",
            asl.toString(),
            "{\"job\":\"" + job.wireName() + "\"}");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String[] lines = run.stdout().strip().split("\n");
    return SynthesizedBroker.JSON.readTree(lines[lines.length - 1]);
  }
}
