package com.sandboxbroker.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run path: the repository's own {@code config.yml} in local mode (embedded DynamoDB
 * Local, file-backed), which imports the demo pool into an empty table once and keeps it across a
 * restart.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalModeIT {
  private static final Map<String, String> ENV =
      Map.of("BROKER_API_TOKEN", "local-track", "BROKER_ADMIN_TOKEN", "local-admin");

  @TempDir Path data;

  private DropwizardTestSupport<BrokerConfiguration> app() {
    return new DropwizardTestSupport<>(
        BrokerApplication.class,
        Path.of("..", "config.yml").toAbsolutePath().toString(),
        ConfigOverride.config("dynamoDb.local.dbPath", data.toString()),
        ConfigOverride.config("server.applicationConnectors[0].port", "0"),
        ConfigOverride.config("server.adminConnectors[0].port", "0")) {
      @Override
      public Application<BrokerConfiguration> newApplication() {
        return new BrokerApplication(ENV, Clock.systemUTC());
      }
    };
  }

  private static HttpResponse<String> allocate(int port, String identity) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/allocate"))
                .header("Authorization", "Bearer local-track")
                .header("X-Instruqt-Sandbox-ID", identity)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void startsOnEmbeddedDefaultsWithTheDemoPoolAndKeepsDataAcrossRestarts() throws Exception {
    var first = app();
    first.before();
    String allocated;
    try {
      HttpResponse<String> r = allocate(first.getLocalPort(), "s1");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      assertThat(r.body()).contains("\"name\":\"lab-");
      allocated = r.body();
      assertThat(allocate(first.getLocalPort(), "s1").statusCode()).isEqualTo(200);
      // 50 sandboxes in the demo pool: 49 more identities get one, the 51st does not
      for (int i = 2; i <= 50; i++) {
        assertThat(allocate(first.getLocalPort(), "s" + i).statusCode()).isEqualTo(201);
      }
      assertThat(allocate(first.getLocalPort(), "s51").statusCode()).isEqualTo(409);
    } finally {
      first.after();
    }
    assertThat(data.resolve("broker.db")).exists();

    var second = app();
    second.before();
    try {
      // not re-imported into a non-empty table, and the allocation survived the restart
      HttpResponse<String> replay = allocate(second.getLocalPort(), "s1");
      assertThat(replay.statusCode()).isEqualTo(200);
      assertThat(replay.body()).isEqualTo(allocated);
      assertThat(allocate(second.getLocalPort(), "s52").statusCode()).isEqualTo(409);
    } finally {
      second.after();
    }
  }
}
