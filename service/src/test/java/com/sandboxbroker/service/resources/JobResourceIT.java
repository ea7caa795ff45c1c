package com.sandboxbroker.service.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin job endpoints (contract §3) with the jobs run in-process on the demo pool. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JobResourceIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static TestBroker broker;

  @BeforeAll
  static void start() {
    broker =
        TestBroker.start(
            ConfigOverride.config("jobs.inProcessProvider", "demo"),
            // no schedule: every run in this test is an admin request
            ConfigOverride.config("jobs.syncIntervalSeconds", "0"),
            ConfigOverride.config("jobs.cleanupIntervalSeconds", "0"),
            ConfigOverride.config("jobs.expiryIntervalSeconds", "0"));
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  static HttpResponse<String> post(String path, String token) {
    return broker.send(
        broker.request(path, token).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void runsPausesAndReportsJobs() throws Exception {
    HttpResponse<String> sync = post("/v1/admin/sync", TestBroker.ADMIN_TOKEN);
    assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
    assertThat(json(sync).get("status").asText()).isEqualTo("completed");
    assertThat(json(sync).get("synced").asInt()).isEqualTo(50);
    assertThat(json(sync).has("marked_stale")).isTrue();
    assertThat(json(sync).has("duration_ms")).isTrue();

    assertThat(post("/v1/admin/sync", TestBroker.TRACK_TOKEN).statusCode()).isEqualTo(403);

    HttpResponse<String> pause = post("/v1/admin/jobs/cleanup/pause", TestBroker.ADMIN_TOKEN);
    assertThat(pause.statusCode()).isEqualTo(200);
    assertThat(json(pause).get("paused").asBoolean()).isTrue();
    HttpResponse<String> paused = post("/v1/admin/cleanup", TestBroker.ADMIN_TOKEN);
    assertThat(paused.statusCode()).isEqualTo(409);
    assertThat(json(paused).get("detail").get("code").asText()).isEqualTo("JOB_PAUSED");
    assertThat(post("/v1/admin/auto-expire", TestBroker.ADMIN_TOKEN).statusCode())
        .isEqualTo(200); // others run
    assertThat(post("/v1/admin/jobs/cleanup/resume", TestBroker.ADMIN_TOKEN).statusCode())
        .isEqualTo(200);

    // a released sandbox is deleted by cleanup, and its recycled account comes back with sync
    HttpResponse<String> a = broker.allocate("learner-1");
    assertThat(a.statusCode()).isEqualTo(201);
    String id = json(a).get("sandbox_id").asText();
    assertThat(
            broker
                .send(
                    broker
                        .request(
                            "/v1/sandboxes/" + id + "/mark-for-deletion", TestBroker.TRACK_TOKEN)
                        .header("X-Instruqt-Sandbox-ID", "learner-1")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build())
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> cleanup = post("/v1/admin/cleanup", TestBroker.ADMIN_TOKEN);
    assertThat(cleanup.statusCode()).as(cleanup.body()).isEqualTo(200);
    assertThat(json(cleanup).get("deleted").asInt()).isEqualTo(1);
    assertThat(json(cleanup).get("failed").asInt()).isZero();
    assertThat(broker.store().findSandbox(id).orElseThrow().status())
        .isEqualTo(SandboxStatus.DELETED);
    assertThat(json(post("/v1/admin/sync", TestBroker.ADMIN_TOKEN)).get("inserted").asInt())
        .isEqualTo(1);

    HttpResponse<String> jobs =
        broker.send(broker.request("/v1/admin/jobs", TestBroker.ADMIN_TOKEN).GET().build());
    assertThat(jobs.statusCode()).isEqualTo(200);
    JsonNode cleanupJob = null;
    for (JsonNode j : json(jobs).get("jobs")) {
      if (j.get("job").asText().equals("cleanup")) {
        cleanupJob = j;
      }
    }
    assertThat(cleanupJob).isNotNull();
    assertThat(cleanupJob.get("paused").asBoolean()).isFalse();
    assertThat(cleanupJob.get("runner").asText()).isEqualTo("in-process");
    assertThat(cleanupJob.get("last_runs")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(cleanupJob.get("last_runs").findValuesAsText("outcome"))
        .contains("succeeded", "skipped");
  }

  @Test
  void aRunningJobAnswers409AndAnUnknownJob404() throws Exception {
    var jobs = new DynamoDbJobStore(broker.dynamo().client(), broker.tableName());
    assertThat(jobs.tryLock(JobName.EXPIRY, "another-run", System.currentTimeMillis(), 60_000))
        .isTrue();
    try {
      HttpResponse<String> r = post("/v1/admin/auto-expire", TestBroker.ADMIN_TOKEN);
      assertThat(r.statusCode()).isEqualTo(409);
      assertThat(json(r).get("detail").get("code").asText()).isEqualTo("JOB_ALREADY_RUNNING");
    } finally {
      jobs.unlock(JobName.EXPIRY, "another-run");
    }
    HttpResponse<String> unknown = post("/v1/admin/jobs/nightly/pause", TestBroker.ADMIN_TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).get("detail").get("code").asText()).isEqualTo("JOB_NOT_FOUND");
  }
}
