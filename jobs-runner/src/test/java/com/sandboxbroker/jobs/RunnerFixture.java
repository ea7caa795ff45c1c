package com.sandboxbroker.jobs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.Sandboxes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** DynamoDB Local, a CSP stub and a Step Functions stub, and the runner's environment for them. */
final class RunnerFixture implements AutoCloseable {
  static final String CSP_TOKEN = "csp-secret-token-0123";
  static final ObjectMapper JSON = new ObjectMapper();

  final LocalDynamo ddb = LocalDynamo.start();
  final DynamoDbClient client = ddb.client();
  final WireMockServer csp = new WireMockServer(options().dynamicPort());
  final WireMockServer sfn = new WireMockServer(options().dynamicPort());
  final String table = LocalDynamo.uniqueTableName();
  final DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, table);

  RunnerFixture() {
    // the SDK's default credential chain, as the runner uses it in an ECS task
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
    csp.start();
    sfn.start();
    new SandboxTable(client, table).createIfMissing();
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts")).willReturn(okJson("{\"results\":[]}")));
    for (String action : List.of("SendTaskHeartbeat", "SendTaskSuccess", "SendTaskFailure")) {
      sfn.stubFor(
          post(urlEqualTo("/"))
              .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + action))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "application/x-amz-json-1.0")
                      .withBody("{}")));
    }
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("TABLE_NAME", table);
    env.put("AWS_REGION", "us-east-1");
    env.put("DYNAMODB_ENDPOINT", ddb.endpoint().toString());
    env.put("CSP_BASE_URL", csp.baseUrl() + "/v2");
    env.put("CSP_API_TOKEN", CSP_TOKEN);
    env.put("SFN_ENDPOINT", sfn.baseUrl());
    env.put("SFN_HEARTBEAT_SECONDS", "1");
    env.put("JOB_LOCK_TTL_SECONDS", "3");
    env.put("CLEANUP_BACKOFF_BASE_SECONDS", "1");
    env.put("CLEANUP_BACKOFF_MAX_SECONDS", "2");
    return env;
  }

  void seedPending(int n) {
    long now = System.currentTimeMillis() / 1000;
    for (int i = 1; i <= n; i++) {
      store.insertSandbox(Sandboxes.pendingDeletion(Integer.toString(i), "owner-" + i, now));
    }
  }

  /** Runs the runner in this JVM; returns the exit code and the report line. */
  Result run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    int code =
        JobsRunner.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(metrics, true, StandardCharsets.UTF_8),
            Clock.systemUTC());
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), metrics.toString(StandardCharsets.UTF_8));
  }

  /**
   * @param metrics the EMF lines the run wrote (stderr in the process)
   */
  record Result(int exitCode, String stdout, String metrics) {
    Result(int exitCode, String stdout) {
      this(exitCode, stdout, "");
    }

    JsonNode report() {
      String[] lines = stdout.strip().split("\n");
      if (lines.length != 1) {
        throw new AssertionError("stdout must be exactly one line: " + stdout);
      }
      try {
        return JSON.readTree(lines[0]);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + stdout, e);
      }
    }
  }

  @Override
  public void close() {
    csp.stop();
    sfn.stop();
    client.close();
    ddb.close();
  }
}
