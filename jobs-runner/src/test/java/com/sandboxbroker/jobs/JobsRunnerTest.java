package com.sandboxbroker.jobs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.job.JobRun;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JobsRunnerTest {
  static RunnerFixture fx;

  @BeforeAll
  static void start() {
    fx = new RunnerFixture();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @BeforeEach
  void reset() {
    fx.csp.resetRequests();
    fx.sfn.resetRequests();
    new DynamoDbJobStore(fx.client, fx.table).setPaused(JobName.CLEANUP, false, 0);
  }

  static String accounts(int n) {
    StringBuilder b = new StringBuilder("{\"results\":[");
    for (int i = 1; i <= n; i++) {
      b.append(i > 1 ? "," : "")
          .append("{\"csp_id\":")
          .append(1000 + i)
          .append(",\"id\":\"identity/accounts/00000000-0000-4000-8000-00000000000")
          .append(i)
          .append("\",\"name\":\"lab-")
          .append(i)
          .append("\",\"account_type\":\"sandbox\",\"state\":\"active\"}");
    }
    return b.append("]}").toString();
  }

  @Test
  void helpDocumentsTheWholeEnvironmentContract() {
    var r = fx.run(Map.of(), "--help");
    assertThat(r.exitCode()).isZero();
    for (JobsEnvironment v : JobsEnvironment.values()) {
      assertThat(r.stdout()).contains(v.name());
    }
    assertThat(r.stdout()).contains("exit codes").contains("InvalidConfig");
  }

  @Test
  void aSuccessfulSyncExitsZeroWithTheReportAndARunRecord() {
    fx.csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts")).willReturn(okJson(accounts(3))));
    Map<String, String> env = fx.env();
    env.put("EXECUTION_ARN", "arn:aws:states:us-east-1:123456789012:execution:sync:run-1");
    var r = fx.run(env, "sync");
    assertThat(r.exitCode()).isZero();
    JsonNode report = r.report();
    assertThat(report.get("job").asText()).isEqualTo("sync");
    assertThat(report.get("outcome").asText()).isEqualTo("succeeded");
    assertThat(report.get("counts").get("listed").asInt()).isEqualTo(3);
    assertThat(report.get("started_at").asLong()).isPositive();
    assertThat(report.has("duration_ms")).isTrue();
    assertThat(report.get("execution_arn").asText()).endsWith(":run-1");
    List<JobRun> runs = new DynamoDbJobStore(fx.client, fx.table).recentRuns(JobName.SYNC, 5);
    assertThat(runs).anySatisfy(run -> assertThat(run.executionArn()).endsWith(":run-1"));
    assertThat(r.stdout()).doesNotContain(RunnerFixture.CSP_TOKEN);
  }

  @Test
  void aPausedJobIsSkippedWhileOtherJobsRun() {
    new DynamoDbJobStore(fx.client, fx.table).setPaused(JobName.CLEANUP, true, 0);
    var cleanup = fx.run(fx.env(), "cleanup");
    assertThat(cleanup.exitCode()).isZero();
    assertThat(cleanup.report().get("outcome").asText()).isEqualTo("skipped");
    assertThat(cleanup.report().get("detail").asText()).isEqualTo("paused");
    var expiry = fx.run(fx.env(), "expiry");
    assertThat(expiry.exitCode()).isZero();
    assertThat(expiry.report().get("outcome").asText()).isEqualTo("succeeded");
  }

  @Test
  void invalidConfigurationExitsTwoAndFailsTheTaskWithInvalidConfig() {
    Map<String, String> env = fx.env();
    env.remove("TABLE_NAME");
    env.put("TASK_TOKEN", "token-invalid-config");
    var r = fx.run(env, "sync");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.report().get("error").asText()).isEqualTo("InvalidConfig");
    assertThat(failures())
        .singleElement()
        .satisfies(body -> assertThat(body.get("error").asText()).isEqualTo("InvalidConfig"));

    Map<String, String> bad = fx.env();
    bad.put("CLEANUP_PARALLELISM", "many");
    assertThat(fx.run(bad, "cleanup").exitCode()).isEqualTo(2);
    Map<String, String> noToken = fx.env();
    noToken.remove("CSP_API_TOKEN");
    var missing = fx.run(noToken, "sync");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.report().get("detail").asText()).contains("CSP_API_TOKEN");
    assertThat(fx.run(fx.env(), "nightly").exitCode()).isEqualTo(2);
    assertThat(fx.run(fx.env()).exitCode()).isEqualTo(2);
  }

  @Test
  void upstreamDownExitsThreeAndFailsTheTaskWithUpstreamUnavailable() {
    fx.csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts")).willReturn(aResponse().withStatus(503)));
    Map<String, String> env = fx.env();
    env.put("TASK_TOKEN", "token-upstream-down");
    var r = fx.run(env, "sync");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.report().get("outcome").asText()).isEqualTo("failed");
    assertThat(r.report().get("error").asText()).isEqualTo("UpstreamUnavailable");
    assertThat(failures())
        .singleElement()
        .satisfies(
            body -> {
              assertThat(body.get("error").asText()).isEqualTo("UpstreamUnavailable");
              assertThat(body.get("taskToken").asText()).isEqualTo("token-upstream-down");
            });
    fx.sfn.verify(
        0,
        postRequestedFor(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskSuccess")));
  }

  @Test
  void aFailedJobExitsOneAndFailsTheTaskWithJobFailed() {
    fx.csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts")).willReturn(aResponse().withStatus(401)));
    Map<String, String> env = fx.env();
    env.put("TASK_TOKEN", "token-job-failed");
    var r = fx.run(env, "sync");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.report().get("error").asText()).isEqualTo("JobFailed");
    assertThat(failures())
        .singleElement()
        .satisfies(body -> assertThat(body.get("error").asText()).isEqualTo("JobFailed"));
  }

  @Test
  void withATaskTokenALongRunHeartbeatsAndSucceedsExactlyOnceWithTheReport() {
    fx.csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts")).willReturn(okJson("{\"results\":[]}")));
    fx.csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*"))
            .willReturn(aResponse().withStatus(204).withFixedDelay(1000)));
    fx.seedPending(3);
    Map<String, String> env = fx.env();
    env.put("TASK_TOKEN", "token-long-run");
    env.put("CLEANUP_PARALLELISM", "1");
    var r = fx.run(env, "cleanup");
    assertThat(r.exitCode()).isZero();
    assertThat(r.report().get("counts").get("deleted").asInt()).isEqualTo(3);

    assertThat(calls("SendTaskHeartbeat"))
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(body -> assertThat(body.get("taskToken").asText()).isEqualTo("token-long-run"));
    List<JsonNode> successes = calls("SendTaskSuccess");
    assertThat(successes).hasSize(1);
    assertThat(calls("SendTaskFailure")).isEmpty();
    assertThat(successes.get(0).get("output").asText()).isEqualTo(r.stdout().strip());
    assertThat(fx.store.sandboxesInStatus(SandboxStatus.DELETED)).hasSize(3);
  }

  static List<JsonNode> failures() {
    return calls("SendTaskFailure");
  }

  static List<JsonNode> calls(String action) {
    return fx
        .sfn
        .findAll(
            postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + action)))
        .stream()
        .map(LoggedRequest::getBodyAsString)
        .map(JobsRunnerTest::parse)
        .toList();
  }

  static JsonNode parse(String s) {
    try {
      return RunnerFixture.JSON.readTree(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
