package com.sandboxbroker.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.service.testing.TestBroker;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser (Debian's headless Chromium, driven by playwright-core from
 * {@code src/test/browser}) against the real app on DynamoDB Local: what an operator sees and
 * clicks must agree with the admin API. Screenshots land in {@code target/dashboard/}. (How the
 * browser is driven: {@link BrowserSpec}.)
 */
class DashboardBrowserIT {
  private static final Path ARTIFACTS = BrowserSpec.ARTIFACTS;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestBroker broker;
  private static String failedId;

  @BeforeAll
  static void startAndSeed() {
    broker = BrowserSpec.startBroker();
    List<String> ids = broker.seed("lab-dash-", 14);
    // one sandbox in the configured pool "adventure" (low_water 3): below its mark, marked on the
    // page
    broker.seed("lab-adventure-", 1);
    // a pool with every status, so every part of the page has something to draw
    String[] labs = {"adventure", "adventure", "dns-basics", "dns-basics", "dns-basics", "ddi-lab"};
    for (int i = 0; i < labs.length; i++) {
      var allocated =
          broker.send(
              broker
                  .request("/v1/allocate", TestBroker.TRACK_TOKEN)
                  .header("X-Instruqt-Sandbox-ID", "learner-" + i)
                  .header("X-Instruqt-Track-ID", labs[i])
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(allocated.statusCode()).isEqualTo(201);
      if (i < 2) {
        String id = field(allocated.body(), "sandbox_id");
        var marked =
            broker.send(
                broker
                    .request("/v1/sandboxes/" + id + "/mark-for-deletion", TestBroker.TRACK_TOKEN)
                    .header("X-Instruqt-Sandbox-ID", "learner-" + i)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build());
        assertThat(marked.statusCode()).isEqualTo(200);
      }
    }
    long now = System.currentTimeMillis() / 1000;
    failedId = "dashfail1";
    insertFailed(failedId, "lab-dash-failed-1", now);
    insertFailed("dashfail2", "lab-dash-failed-2", now);
    assertThat(ids).hasSize(14);
    // one recorded run, so the page has a run to draw
    var expiry =
        broker.send(
            broker
                .request("/v1/admin/auto-expire", TestBroker.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(expiry.statusCode()).as(expiry.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void operatorSeesThePoolRetriesADeletionAndPausesCleanup() throws Exception {
    String output =
        BrowserSpec.run(
            "dashboard.spec.mjs", "browser-checks.log", broker, Map.of("FAILED_ID", failedId));
    assertThat(ARTIFACTS.resolve("dashboard.png")).isNotEmptyFile();
    assertThat(ARTIFACTS.resolve("dashboard-wrong-token.png")).isNotEmptyFile();
    assertThat(output).contains("\"check\":\"counts equal GET /admin/stats\",\"ok\":true");
    // the configured pool "adventure" (low_water 3, test-config.yml) has at most 1 available
    assertThat(output)
        .contains(
            "\"check\":\"each pool shows its bar and counts as GET /admin/pools\",\"ok\":true")
        .contains("\"check\":\"pools below their low-water mark are marked\",\"ok\":true");

    // what the page did is what the table and the API now say
    assertThat(broker.store().findSandbox(failedId).orElseThrow().status())
        .isEqualTo(SandboxStatus.PENDING_DELETION);
    JsonNode jobs = adminGet("/v1/admin/jobs").path("jobs");
    for (JsonNode job : jobs) {
      assertThat(job.path("paused").asBoolean())
          .as(job.toString())
          .isEqualTo(job.path("job").asText().equals("cleanup"));
    }
    assertThat(jobs).hasSize(3);
    assertThat(ARTIFACTS.resolve("dashboard-phone.png")).isNotEmptyFile();

    // the Tokens view: a token issued on the page, used, and revoked from the page
    assertThat(output)
        .contains("\"check\":\"the shown secret allocates as its tenant\",\"ok\":true");
    JsonNode tokens = adminGet("/v1/admin/tokens").path("tokens");
    assertThat(tokens)
        .anySatisfy(
            t -> {
              assertThat(t.path("tenant").asText()).isEqualTo("dash-tenant");
              assertThat(t.path("revoked_at").asLong()).isPositive();
              assertThat(t.path("revoked_by").asText()).isEqualTo("admin-1");
            });
    assertThat(ARTIFACTS.resolve("dashboard-token-issued.png")).isNotEmptyFile();
  }

  private static JsonNode adminGet(String path) throws IOException {
    var response = broker.send(broker.request(path, TestBroker.ADMIN_TOKEN).GET().build());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void insertFailed(String id, String name, long now) {
    Sandbox failed =
        Sandbox.builder(id)
            .name(name)
            .externalId("identity/accounts/" + id)
            .status(SandboxStatus.DELETION_FAILED)
            .trackName("adventure")
            .allocatedAt(now - 7200)
            .expiresAt(now + 86400)
            .deletionRequestedAt(now - 3600)
            .deletionAttempts(5)
            .lastError("upstream answered 500")
            .createdAt(now - 86400)
            .lastSeenAt(now - 3600)
            .version(3)
            .build();
    assertThat(broker.store().insertSandbox(failed)).isTrue();
  }

  private static String field(String json, String name) {
    try {
      return JSON.readTree(json).path(name).asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
