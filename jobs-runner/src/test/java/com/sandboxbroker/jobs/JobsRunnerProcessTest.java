package com.sandboxbroker.jobs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.core.testing.Sandboxes;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real jobs-runner processes (this module's classpath, the shaded jar's main class) against
 * DynamoDB Local's HTTP endpoint and a CSP stub: a crash by {@code kill -9} mid-cleanup, and two
 * processes racing for one job.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobsRunnerProcessTest {
  static RunnerFixture fx;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    fx = new RunnerFixture();
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  record Finished(int exitCode, String stdout, String stderr) {
    JsonNode report() {
      return new RunnerFixture.Result(exitCode, stdout).report();
    }
  }

  static Process launch(String job, Map<String, String> extraEnv, String name) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            JobsRunner.class.getName(),
            job);
    Map<String, String> env = pb.environment();
    env.putAll(fx.env());
    env.putAll(extraEnv);
    env.put("AWS_ACCESS_KEY_ID", "local");
    env.put("AWS_SECRET_ACCESS_KEY", "local");
    pb.redirectOutput(tmp.resolve(name + ".out").toFile());
    pb.redirectError(tmp.resolve(name + ".err").toFile());
    return pb.start();
  }

  static Finished await(Process p, String name) throws Exception {
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as(name + " finished").isTrue();
    return new Finished(
        p.exitValue(),
        Files.readString(tmp.resolve(name + ".out"), StandardCharsets.UTF_8),
        Files.readString(tmp.resolve(name + ".err"), StandardCharsets.UTF_8));
  }

  @Test
  void aCleanupKilledMidRunIsFinishedByTheNextRun() throws Exception {
    fx.csp.resetAll();
    fx.csp.stubFor(
        WireMock.get(WireMock.urlPathEqualTo("/v2/current_user/accounts"))
            .willReturn(WireMock.okJson("{\"results\":[]}")));
    fx.csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*"))
            .willReturn(aResponse().withStatus(204).withFixedDelay(700)));
    fx.seedPending(12);

    Process victim =
        launch(
            "cleanup", Map.of("CLEANUP_PARALLELISM", "2", "JOB_LOCK_TTL_SECONDS", "6"), "victim");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (fx.csp.findAll(deleteRequestedFor(urlPathMatching("/v2/sandbox/accounts/.*"))).size()
        < 3) {
      assertThat(System.nanoTime()).as("deletes started").isLessThan(deadline);
      Thread.sleep(50);
    }
    Process kill =
        new ProcessBuilder("kill", "-9", Long.toString(victim.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(victim.exitValue()).isEqualTo(137); // 128 + SIGKILL
    assertThat(fx.store.sandboxesInStatus(SandboxStatus.PENDING_DELETION)).isNotEmpty();

    // the dead run's lock is still live: until it expires a re-run would be skipped, not doubled up
    var jobs = new DynamoDbJobStore(fx.client, fx.table);
    assertThat(jobs.isLocked(JobName.CLEANUP, System.currentTimeMillis())).isTrue();
    while (jobs.isLocked(JobName.CLEANUP, System.currentTimeMillis())) {
      assertThat(System.nanoTime())
          .as("the crashed run's lock expires")
          .isLessThan(deadline + TimeUnit.SECONDS.toNanos(30));
      Thread.sleep(200);
    }
    fx.csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*")).willReturn(aResponse().withStatus(404)));
    Finished rerun = await(launch("cleanup", Map.of("CLEANUP_PARALLELISM", "4"), "rerun"), "rerun");
    assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
    assertThat(rerun.report().get("outcome").asText()).isEqualTo("succeeded");
    assertThat(fx.store.sandboxesInStatus(SandboxStatus.DELETED)).hasSize(12);
    assertThat(fx.store.sandboxesInStatus(SandboxStatus.PENDING_DELETION)).isEmpty();
    assertThat(fx.store.sandboxesInStatus(SandboxStatus.DELETION_FAILED)).isEmpty();
    for (Finished f : List.of(rerun)) {
      assertThat(f.stdout().strip().split("\n")).hasSize(1); // stdout: the report only
      assertThat(f.stderr()).doesNotContain(RunnerFixture.CSP_TOKEN);
      assertThat(f.stdout()).doesNotContain(RunnerFixture.CSP_TOKEN);
    }
  }

  @Test
  void twoProcessesForTheSameJob_oneRunsTheOtherIsSkipped() throws Exception {
    fx.csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*"))
            .willReturn(aResponse().withStatus(204).withFixedDelay(1500)));
    long now = System.currentTimeMillis() / 1000;
    for (int i = 101; i <= 103; i++) {
      fx.store.insertSandbox(Sandboxes.pendingDeletion(Integer.toString(i), "o", now));
    }
    Map<String, String> env = Map.of("CLEANUP_PARALLELISM", "1", "JOB_LOCK_TTL_SECONDS", "30");
    Process a = launch("cleanup", env, "a");
    Process b = launch("cleanup", env, "b");
    List<String> outcomes = new ArrayList<>();
    for (var p : List.of(Map.entry(a, "a"), Map.entry(b, "b"))) {
      Finished f = await(p.getKey(), p.getValue());
      assertThat(f.exitCode()).as(f.stderr()).isZero();
      outcomes.add(f.report().get("outcome").asText());
    }
    assertThat(outcomes).containsExactlyInAnyOrder("succeeded", "skipped");
    assertThat(new File(tmp.toFile(), "a.err")).exists();
  }
}
