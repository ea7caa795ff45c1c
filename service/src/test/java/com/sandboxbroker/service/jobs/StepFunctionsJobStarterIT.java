package com.sandboxbroker.service.jobs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deployed: an admin run request starts the job's state machine and answers 202 with its ARN. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StepFunctionsJobStarterIT {
  static final String SYNC_MACHINE =
      "arn:aws:states:us-east-1:123456789012:stateMachine:broker-sync";
  static final String EXECUTION =
      "arn:aws:states:us-east-1:123456789012:execution:broker-sync:admin-1";

  @Test
  void adminSyncStartsTheStateMachine() throws Exception {
    WireMockServer sfn = new WireMockServer(options().dynamicPort());
    sfn.start();
    sfn.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.StartExecution"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/x-amz-json-1.0")
                    .withBody("{\"executionArn\":\"" + EXECUTION + "\",\"startDate\":1.7635E9}")));
    try (TestBroker broker =
        TestBroker.start(
            ConfigOverride.config("jobs.mode", "step-functions"),
            ConfigOverride.config("jobs.syncStateMachineArn", SYNC_MACHINE),
            ConfigOverride.config("jobs.stepFunctionsEndpoint", sfn.baseUrl()))) {
      var r =
          broker.send(
              broker
                  .request("/v1/admin/sync", TestBroker.ADMIN_TOKEN)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      JsonNode body = new ObjectMapper().readTree(r.body());
      assertThat(body.get("status").asText()).isEqualTo("started");
      assertThat(body.get("job").asText()).isEqualTo("sync");
      assertThat(body.get("execution_arn").asText()).isEqualTo(EXECUTION);
      var requests =
          sfn.findAll(
              postRequestedFor(urlEqualTo("/"))
                  .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.StartExecution")));
      assertThat(requests).hasSize(1);
      JsonNode start = new ObjectMapper().readTree(requests.get(0).getBodyAsString());
      assertThat(start.get("stateMachineArn").asText()).isEqualTo(SYNC_MACHINE);
      assertThat(
              new ObjectMapper()
                  .readTree(start.get("input").asText())
                  .get("command")
                  .get(0)
                  .asText())
          .isEqualTo("sync");

      // a job without a state machine and without an in-process upstream is not available here
      var cleanup =
          broker.send(
              broker
                  .request("/v1/admin/cleanup", TestBroker.ADMIN_TOKEN)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(cleanup.statusCode()).isEqualTo(409);
      assertThat(cleanup.body()).contains("JOB_NOT_AVAILABLE");
    } finally {
      sfn.stop();
    }
  }
}
