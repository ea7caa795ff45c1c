package com.sandboxbroker.jobs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.core.testing.EmfSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runner's CloudWatch metrics, from real runs against DynamoDB Local and the CSP stub: one
 * {@code JobOutcome} per run whose Outcome dimension tells a real success from a paused or
 * lock-skipped run (which Step Functions counts as succeeded executions alike), plus the run's
 * counts, every line valid EMF, and stdout still exactly the one report line.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JobRunMetricsTest {
  static RunnerFixture fx;

  @BeforeAll
  static void start() {
    fx = new RunnerFixture();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private static Map<String, String> env() {
    Map<String, String> env = fx.env();
    env.put("BROKER_STAGE", "prod");
    return env;
  }

  private static List<JsonNode> lines(RunnerFixture.Result r) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : r.metrics().strip().split("\n")) {
      assertThat(EmfSpec.violations(line)).as(line).isEmpty();
      events.add(RunnerFixture.JSON.readTree(line));
    }
    return events;
  }

  private static JsonNode outcomeLine(RunnerFixture.Result r) throws Exception {
    List<JsonNode> outcomes =
        lines(r).stream().filter(e -> e.has(JobRunMetrics.JOB_OUTCOME)).toList();
    assertThat(outcomes).hasSize(1);
    JsonNode e = outcomes.get(0);
    assertThat(e.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("SandboxBroker");
    assertThat(e.at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
        .isEqualTo("[[\"Stage\",\"Job\",\"Outcome\"]]");
    assertThat(e.get("Stage").asText()).isEqualTo("prod");
    assertThat(e.get(JobRunMetrics.JOB_OUTCOME).asDouble()).isEqualTo(1);
    return e;
  }

  @Test
  void aSucceededSyncPublishesSucceededAndItsCounts() throws Exception {
    fx.csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .willReturn(okJson(JobsRunnerTest.accounts(3))));
    var r = fx.run(env(), "sync");
    assertThat(r.exitCode()).isZero();
    assertThat(r.report().get("outcome").asText()).isEqualTo("succeeded"); // stdout: one line still
    JsonNode outcome = outcomeLine(r);
    assertThat(outcome.get("Job").asText()).isEqualTo("sync");
    assertThat(outcome.get("Outcome").asText()).isEqualTo("succeeded");
    JsonNode work =
        lines(r).stream().filter(e -> e.has(JobRunMetrics.JOB_DURATION)).findFirst().orElseThrow();
    assertThat(work.at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
        .isEqualTo("[[\"Stage\",\"Job\"]]");
    assertThat(work.get("inserted").asDouble())
        .isEqualTo(r.report().get("counts").get("inserted").asDouble());
    assertThat(work.get("inserted").asDouble()).isPositive();
  }

  @Test
  void aPausedRunIsSkippedPausedNotSucceeded() throws Exception {
    DynamoDbJobStore jobs = new DynamoDbJobStore(fx.client, fx.table);
    jobs.setPaused(JobName.CLEANUP, true, 0);
    try {
      var r = fx.run(env(), "cleanup");
      assertThat(r.exitCode()).isZero();
      assertThat(outcomeLine(r).get("Outcome").asText()).isEqualTo("skipped_paused");
    } finally {
      jobs.setPaused(JobName.CLEANUP, false, 0);
    }
  }

  @Test
  void aRunSkippedForTheLockIsSkippedLocked() throws Exception {
    DynamoDbJobStore jobs = new DynamoDbJobStore(fx.client, fx.table);
    assertThat(jobs.tryLock(JobName.EXPIRY, "another-run", System.currentTimeMillis(), 60_000))
        .isTrue();
    var r = fx.run(env(), "expiry");
    assertThat(r.exitCode()).isZero();
    assertThat(r.report().get("outcome").asText()).isEqualTo("skipped");
    assertThat(outcomeLine(r).get("Outcome").asText()).isEqualTo("skipped_locked");
  }

  @Test
  void aFailedRunAndAnInvalidConfigurationPublishFailed() throws Exception {
    fx.csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts")).willReturn(aResponse().withStatus(503)));
    var down = fx.run(env(), "sync");
    assertThat(down.exitCode()).isEqualTo(3);
    assertThat(outcomeLine(down).get("Outcome").asText()).isEqualTo("failed");

    Map<String, String> invalid = env();
    invalid.remove("TABLE_NAME");
    var bad = fx.run(invalid, "cleanup");
    assertThat(bad.exitCode()).isEqualTo(2);
    JsonNode outcome = outcomeLine(bad);
    assertThat(outcome.get("Job").asText()).isEqualTo("cleanup");
    assertThat(outcome.get("Outcome").asText()).isEqualTo("failed");
  }
}
