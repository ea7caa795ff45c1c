package com.sandboxbroker.jobs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runner is tied to its Step Functions task: heartbeats go out only while the job completes
 * steps, a token Step Functions no longer accepts stops the run, and a run with no step for its
 * stall limit stops; either way the lock is released and the exit code is non-zero. Before the fix
 * heartbeats ran on a timer whatever the job did and their errors were swallowed, so these runs
 * went on to the end, exited 0 and reported success.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TaskTokenValidityTest {
  RunnerFixture fx;

  @BeforeEach
  void start() {
    fx = new RunnerFixture();
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private long calls(String action) {
    return fx.sfn
        .countRequestsMatching(
            postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + action))
                .build())
        .getCount();
  }

  private boolean lockIsFree(JobName job) {
    DynamoDbJobStore jobs = new DynamoDbJobStore(fx.client, fx.table);
    long now = System.currentTimeMillis();
    boolean free = jobs.tryLock(job, "probe", now, 60_000);
    if (free) {
      jobs.unlock(job, "probe");
    }
    return free;
  }

  @Test
  void aTimedOutTaskTokenStopsTheRunReleasesTheLockAndExitsNonZero() {
    // Step Functions has timed the task out: every heartbeat is refused
    fx.sfn.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskHeartbeat"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/x-amz-json-1.0")
                    .withBody(
                        "{\"__type\":\"com.amazonaws.swf.service.v2.model#TaskTimedOut\",\"message\":\"Task Timed Out\"}")));
    fx.seedPending(30);
    // one delete at a time, 300 ms each: about 9 s of work, far more than the first heartbeat
    fx.csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*"))
            .willReturn(aResponse().withStatus(204).withFixedDelay(300)));
    Map<String, String> env = fx.env();
    env.put("TASK_TOKEN", "token-timed-out");
    env.put("CLEANUP_PARALLELISM", "1");

    long start = System.nanoTime();
    var r = fx.run(env, "cleanup");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.exitCode()).as(r.stdout()).isEqualTo(1);
    JsonNode report = r.report();
    assertThat(report.get("outcome").asText()).isEqualTo("failed");
    assertThat(report.get("detail").asText()).contains("task token is no longer valid");
    assertThat(took).isLessThan(Duration.ofSeconds(8));
    assertThat(fx.store.sandboxesInStatus(SandboxStatus.PENDING_DELETION)).isNotEmpty();
    assertThat(lockIsFree(JobName.CLEANUP)).isTrue();
    // nothing more is said on a token Step Functions refuses
    assertThat(calls("SendTaskSuccess")).isZero();
    assertThat(calls("SendTaskFailure")).isZero();
  }

  @Test
  void aWedgedRunFallsSilentThenStopsAtItsStallLimit() {
    // the listing answers after 20 s: a wedged upstream as far as the run is concerned
    fx.csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .willReturn(okJson("{\"results\":[]}").withFixedDelay(20_000)));
    Map<String, String> env = fx.env();
    env.put("TASK_TOKEN", "token-wedged");
    env.put("CSP_TIMEOUT_SECONDS", "60");
    env.put("JOB_STALL_SECONDS", "4");

    long start = System.nanoTime();
    var r = fx.run(env, "sync");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.exitCode()).as(r.stdout()).isEqualTo(1);
    assertThat(r.report().get("detail").asText()).contains("no progress for 4 s");
    assertThat(took).isLessThan(Duration.ofSeconds(15));
    // the one heartbeat at the start; none while nothing moved (the period is 1 s)
    assertThat(calls("SendTaskHeartbeat")).isEqualTo(1);
    assertThat(calls("SendTaskSuccess")).isZero();
    assertThat(lockIsFree(JobName.SYNC)).isTrue();
  }

  @Test
  void aRunThatKeepsMakingProgressKeepsHeartbeating() {
    fx.seedPending(12);
    fx.csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*"))
            .willReturn(aResponse().withStatus(204).withFixedDelay(400)));
    Map<String, String> env = fx.env();
    env.put("TASK_TOKEN", "token-healthy");
    env.put("CLEANUP_PARALLELISM", "1");
    env.put("JOB_STALL_SECONDS", "3");
    var r = fx.run(env, "cleanup");
    assertThat(r.exitCode()).as(r.stdout()).isZero();
    assertThat(r.report().get("counts").get("deleted").asInt()).isEqualTo(12);
    // about 5 s of steady progress at a 1 s period
    assertThat(calls("SendTaskHeartbeat")).isGreaterThanOrEqualTo(3);
    assertThat(calls("SendTaskSuccess")).isEqualTo(1);
  }
}
