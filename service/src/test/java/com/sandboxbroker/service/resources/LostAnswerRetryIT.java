package com.sandboxbroker.service.resources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.service.testing.TestBroker;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 item 9: a write DynamoDB applied whose answer was lost. The service reaches DynamoDB
 * Local through a WireMock proxy that forwards an armed sandbox's first UpdateItem (DynamoDB
 * applies it) and answers the client 500 instead of the real answer; the SDK retries, and the retry
 * fails its condition on the change the first attempt made. The operator or owner must still get
 * the success the request had. Before the fix retry-deletion answered 409 INVALID_STATUS_TRANSITION
 * for a retry that had worked.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LostAnswerRetryIT {
  /**
   * Lets the armed sandbox's first UpdateItem through to DynamoDB, then replaces its answer by a
   * 500.
   */
  static final class LoseFirstAnswer implements ResponseTransformerV2 {
    final AtomicReference<String> armedFor = new AtomicReference<>();
    final AtomicInteger seen = new AtomicInteger();

    void arm(String sandboxId) {
      seen.set(0);
      armedFor.set(sandboxId);
    }

    @Override
    public Response transform(Response response, ServeEvent event) {
      String target = event.getRequest().getHeader("X-Amz-Target");
      String armed = armedFor.get();
      if (armed == null
          || target == null
          || !target.endsWith(".UpdateItem")
          || !event.getRequest().getBodyAsString().contains("\"SBX#" + armed + "\"")) {
        return response;
      }
      if (seen.incrementAndGet() > 1 || response.getStatus() != 200) {
        return response;
      }
      return Response.response()
          .status(500)
          .headers(new HttpHeaders(new HttpHeader("Content-Type", "application/x-amz-json-1.0")))
          .body(
              "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"answer lost after apply\"}")
          .build();
    }

    @Override
    public boolean applyGlobally() {
      return true;
    }

    @Override
    public String getName() {
      return "lose-first-update-answer";
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
  static final LoseFirstAnswer LOSE = new LoseFirstAnswer();
  static LocalDynamo table;
  static WireMockServer proxy;
  static TestBroker broker;
  static DynamoDbSandboxStore store;

  @BeforeAll
  static void start() {
    table = LocalDynamo.start();
    proxy = new WireMockServer(options().dynamicPort().extensions(LOSE));
    proxy.start();
    proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(table.endpoint().toString())));
    broker = TestBroker.startThrough(table, proxy.baseUrl());
    store = new DynamoDbSandboxStore(table.client(), broker.tableName());
  }

  @AfterAll
  static void stop() {
    broker.close(); // stops DynamoDB Local too
    proxy.stop();
  }

  private static Sandbox sandbox(String id, SandboxStatus status) {
    return Sandbox.builder(id)
        .name("lab-" + id)
        .externalId("identity/accounts/00000000-0000-4000-8000-00000000000" + id.length())
        .status(status)
        .allocatedTo("learner")
        .trackName("lab")
        .leaseId("lease-1")
        .allocatedAt(100)
        .expiresAt(200)
        .deletionRequestedAt(300)
        .deletionAttempts(8)
        .lastError("CSP DELETE: HTTP 500")
        .createdAt(10)
        .lastSeenAt(10)
        .version(4)
        .build();
  }

  @Test
  void anSdkRetryOfAnAppliedRetryDeletionAnswers200() throws Exception {
    assertThat(store.insertSandbox(sandbox("failed-1", SandboxStatus.DELETION_FAILED))).isTrue();
    LOSE.arm("failed-1");

    HttpResponse<String> r =
        broker.post("/v1/admin/sandboxes/failed-1/retry-deletion", TestBroker.ADMIN_TOKEN);

    assertThat(LOSE.seen.get()).as("the SDK sent the write twice").isEqualTo(2);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asText()).isEqualTo("pending_deletion");
    assertThat(body.get("admin_actions")).hasSize(1);
    assertThat(r.body()).doesNotContain("request_token");
    // another request, the same admin's within the same second, is a conflict: it is not the
    // request whose change is there (before this fix a same-second guess took it for one)
    LOSE.arm(null);
    HttpResponse<String> again =
        broker.post("/v1/admin/sandboxes/failed-1/retry-deletion", TestBroker.ADMIN_TOKEN);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(store.findAudited("failed-1").orElseThrow().adminActions()).hasSize(1);
  }

  @Test
  void anSdkRetryOfAnAppliedForceReleaseAnswers200Once() throws Exception {
    assertThat(store.insertSandbox(sandbox("alloc-2", SandboxStatus.ALLOCATED))).isTrue();
    LOSE.arm("alloc-2");

    HttpResponse<String> r =
        broker.post("/v1/admin/sandboxes/alloc-2/force-release", TestBroker.ADMIN_TOKEN);

    assertThat(LOSE.seen.get()).as("the SDK sent the write twice").isEqualTo(2);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asText()).isEqualTo("pending_deletion");
    assertThat(body.get("admin_actions")).hasSize(1);
    assertThat(body.get("admin_actions").get(0).get("from_status").asText()).isEqualTo("allocated");
  }

  @Test
  void anSdkRetryOfAnAppliedMarkForDeletionAnswersTheSameMark() throws Exception {
    broker.seed("lab-mark-", 1);
    HttpResponse<String> allocated = broker.allocate("learner-mark");
    assertThat(allocated.statusCode()).as(allocated.body()).isEqualTo(201);
    String id = JSON.readTree(allocated.body()).get("sandbox_id").asText();
    LOSE.arm(id);

    HttpResponse<String> r =
        broker.send(
            broker
                .request("/v1/sandboxes/" + id + "/mark-for-deletion", TestBroker.TRACK_TOKEN)
                .header("X-Instruqt-Sandbox-ID", "learner-mark")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());

    assertThat(LOSE.seen.get()).as("the SDK sent the write twice").isEqualTo(2);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asText()).isEqualTo("pending_deletion");
    long requestedAt = store.findSandbox(id).orElseThrow().deletionRequestedAt();
    assertThat(body.get("deletion_requested_at").asLong()).isEqualTo(requestedAt);
  }
}
