package com.sandboxbroker.service.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Local mode's promise (design §8): with nothing but the service running, the demo pool is synced,
 * a released sandbox is cleaned up and the pool refilled, and the runs show in GET /v1/admin/jobs.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InProcessJobSchedulerIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void releasedSandboxesAreCleanedUpAndThePoolRefilledWithoutAnyManualStep() throws Exception {
    try (TestBroker broker =
        TestBroker.start(
            ConfigOverride.config("jobs.inProcessProvider", "demo"),
            ConfigOverride.config("jobs.syncIntervalSeconds", "1"),
            ConfigOverride.config("jobs.cleanupIntervalSeconds", "1"),
            ConfigOverride.config("jobs.expiryIntervalSeconds", "1"),
            ConfigOverride.config("jobs.cleanupBackoffBaseSeconds", "1"))) {
      await(
          () -> broker.store().countByStatus().get(SandboxStatus.AVAILABLE) == 50L,
          "demo pool synced");

      var allocated = broker.allocate("learner-1");
      assertThat(allocated.statusCode()).isEqualTo(201);
      String id = JSON.readTree(allocated.body()).get("sandbox_id").asText();
      var mark =
          broker.send(
              broker
                  .request("/v1/sandboxes/" + id + "/mark-for-deletion", TestBroker.TRACK_TOKEN)
                  .header("X-Instruqt-Sandbox-ID", "learner-1")
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(mark.statusCode()).isEqualTo(200);

      await(
          () -> broker.store().findSandbox(id).orElseThrow().status() == SandboxStatus.DELETED,
          "cleanup deleted it");
      await(
          () -> broker.store().countByStatus().get(SandboxStatus.AVAILABLE) == 50L,
          "sync refilled the pool");

      var jobs =
          broker.send(broker.request("/v1/admin/jobs", TestBroker.ADMIN_TOKEN).GET().build());
      assertThat(jobs.statusCode()).isEqualTo(200);
      for (JsonNode job : JSON.readTree(jobs.body()).get("jobs")) {
        assertThat(job.get("last_runs").findValuesAsText("outcome"))
            .as(job.toString())
            .contains("succeeded");
      }
    }
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  static void await(Condition c, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!c.holds()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(500);
    }
  }
}
