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
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A write applied by DynamoDB whose answer is lost: the service reaches DynamoDB Local through a
 * proxy that forwards the retry-deletion UpdateItem, lets it apply, and answers the first one 500.
 * The SDK retries; the retry fails its condition on the change the first attempt made. Before the
 * fix the operator got 409 INVALID_STATUS_TRANSITION for a retry that had worked.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RetryDeletionReplayTest {
  /** Lets the first retry_deletion UpdateItem through to DynamoDB, then replaces its answer by a 500. */
  static final class LoseFirstAnswer implements ResponseTransformerV2 {
    final AtomicBoolean armed = new AtomicBoolean(true);
    final AtomicInteger seen = new AtomicInteger();

    @Override
    public Response transform(Response response, ServeEvent event) {
      String target = event.getRequest().getHeader("X-Amz-Target");
      if (target == null || !target.endsWith(".UpdateItem") || !event.getRequest().getBodyAsString().contains("retry_deletion")) {
        return response;
      }
      seen.incrementAndGet();
      if (!armed.compareAndSet(true, false)) {
        return response;
      }
      return Response.response()
          .status(500)
          .headers(new HttpHeaders(new HttpHeader("Content-Type", "application/x-amz-json-1.0")))
          .body("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"answer lost after apply\"}")
          .build();
    }

    @Override
    public boolean applyGlobally() {
      return true;
    }

    @Override
    public String getName() {
      return "lose-first-retry-deletion-answer";
    }
  }

  @Test
  void anSdkRetryOfAnAppliedRetryDeletionAnswers200() throws Exception {
    LoseFirstAnswer lose = new LoseFirstAnswer();
    LocalDynamo table = LocalDynamo.start();
    WireMockServer proxy = new WireMockServer(options().dynamicPort().extensions(lose));
    proxy.start();
    proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(table.endpoint().toString())));
    try (TestBroker broker = TestBroker.start(ConfigOverride.config("dynamoDb.endpoint", proxy.baseUrl()))) {
      DynamoDbSandboxStore store = new DynamoDbSandboxStore(table.client(), broker.tableName());
      assertThat(store.insertSandbox(
              new Sandbox(
                  "failed-1", "lab-failed-1", "identity/accounts/00000000-0000-4000-8000-000000000001", "",
                  SandboxStatus.DELETION_FAILED, "learner", "lab", "lease-1", 100, 200, 300, 8, 0,
                  "CSP DELETE: HTTP 500", 0, 10, 10, 0, 0, 4)))
          .isTrue();

      HttpResponse<String> r = broker.post("/v1/admin/sandboxes/failed-1/retry-deletion", TestBroker.ADMIN_TOKEN);

      assertThat(lose.seen.get()).as("the SDK sent the write twice").isEqualTo(2);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode body = new ObjectMapper().readTree(r.body());
      assertThat(body.get("status").asText()).isEqualTo("pending_deletion");
      assertThat(body.get("admin_actions")).hasSize(1);
      // a later request of its own is still a conflict (within the same second the same admin's
      // repeat cannot be told from an SDK retry, and is answered as one: it asked for the same state)
      Thread.sleep(1100);
      assertThat(broker.post("/v1/admin/sandboxes/failed-1/retry-deletion", TestBroker.ADMIN_TOKEN).statusCode())
          .isEqualTo(409);
    } finally {
      proxy.stop();
      table.close();
    }
  }
}
