package com.sandboxbroker.service.testing;

import com.codahale.metrics.MetricRegistry;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.service.BrokerApplication;
import com.sandboxbroker.service.BrokerConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real broker application over HTTP on DynamoDB Local, for one test class: its own table, so
 * every class starts from a pool it seeds itself. Requests go through {@link java.net.http}, a
 * client independent of the server's stack.
 */
public final class TestBroker implements AutoCloseable {
  public static final String TRACK_TOKEN = "track-token-any";

  /** Bound to prefix {@code lab-adventure-} and lab {@code adventure}; config holds its hash. */
  public static final String ADVENTURE_TOKEN = "track-token-adventure";

  /** Bound to prefixes {@code lab-dns-} (default) and {@code lab-ddi-}. */
  public static final String MULTI_TOKEN = "track-token-multi";

  public static final String ADMIN_TOKEN = "admin-token-1";

  private final LocalDynamo dynamo;

  /** False for a second instance on another's table: the first one stops DynamoDB Local. */
  private final boolean ownsDynamo;

  private final DropwizardTestSupport<BrokerConfiguration> app;
  private final String tableName;
  private final HttpClient http;
  private final SandboxStore store;

  private TestBroker(ConfigOverride... extra) {
    this(LocalDynamo.start(), LocalDynamo.uniqueTableName(), true, extra);
  }

  private TestBroker(
      LocalDynamo dynamo, String tableName, boolean ownsDynamo, ConfigOverride... extra) {
    this(dynamo, dynamo.endpoint().toString(), tableName, ownsDynamo, extra);
  }

  private TestBroker(
      LocalDynamo dynamo,
      String endpoint,
      String tableName,
      boolean ownsDynamo,
      ConfigOverride... extra) {
    this.dynamo = dynamo;
    this.ownsDynamo = ownsDynamo;
    this.tableName = tableName;
    List<ConfigOverride> overrides = new ArrayList<>();
    overrides.add(ConfigOverride.config("dynamoDb.endpoint", endpoint));
    overrides.add(ConfigOverride.config("dynamoDb.tableName", tableName));
    overrides.add(
        ConfigOverride.config("auth.trackTokens[1].token", "sha256:" + sha256Hex(ADVENTURE_TOKEN)));
    overrides.addAll(List.of(extra));
    this.app =
        new DropwizardTestSupport<>(
            BrokerApplication.class,
            ResourceHelpers.resourceFilePath("test-config.yml"),
            overrides.toArray(ConfigOverride[]::new)) {
          @Override
          public Application<BrokerConfiguration> newApplication() {
            // no BROKER_* variables from the machine leak into tests
            return new BrokerApplication(Map.of(), Clock.systemUTC());
          }
        };
    try {
      app.before();
    } catch (Exception e) {
      if (ownsDynamo) {
        dynamo.close();
      }
      throw new IllegalStateException("broker did not start", e);
    }
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // the app's pool configuration, so seeded sandboxes join the pools the app would put them in
    this.store =
        new DynamoDbSandboxStore(
            dynamo.client(), tableName, app.getConfiguration().poolAssignment());
  }

  public static TestBroker start(ConfigOverride... overrides) {
    return new TestBroker(overrides);
  }

  /**
   * The app on {@code dynamo} (which it then owns) reached through {@code endpoint}, e.g. a proxy
   * that injects faults between the service and DynamoDB Local; {@link #store()} goes direct.
   */
  public static TestBroker startThrough(
      LocalDynamo dynamo, String endpoint, ConfigOverride... overrides) {
    return new TestBroker(dynamo, endpoint, LocalDynamo.uniqueTableName(), true, overrides);
  }

  /** A second service instance (another "task") on the same table as {@code first}. */
  public static TestBroker startSharing(TestBroker first, ConfigOverride... overrides) {
    return new TestBroker(first.dynamo, first.tableName, false, overrides);
  }

  /** The same table the app uses, for seeding and for checking what the API says. */
  public SandboxStore store() {
    return store;
  }

  public LocalDynamo dynamo() {
    return dynamo;
  }

  public String tableName() {
    return tableName;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.getLocalPort() + path);
  }

  public URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + app.getAdminPort() + path);
  }

  /** Inserts {@code count} available sandboxes named {@code <namePrefix><n>}; returns their ids. */
  public List<String> seed(String namePrefix, int count) {
    List<String> ids = new ArrayList<>();
    long now = System.currentTimeMillis() / 1000;
    for (int i = 0; i < count; i++) {
      String id = UUID.randomUUID().toString().substring(0, 8) + i;
      UpstreamSandbox u =
          new UpstreamSandbox(
              id,
              String.format("%s%04d", namePrefix, i),
              "identity/accounts/" + UUID.randomUUID(),
              "");
      if (!store.insertSandbox(Sandbox.available(u, now))) {
        throw new IllegalStateException("seed collision");
      }
      ids.add(id);
    }
    return ids;
  }

  /** A request builder with a bearer token (null: no Authorization header). */
  public HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code POST /v1/allocate} for an identity with the track token and no body. */
  public HttpResponse<String> allocate(String identity) {
    return send(
        request("/v1/allocate", TRACK_TOKEN)
            .header("X-Instruqt-Sandbox-ID", identity)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
  }

  @Override
  public void close() {
    try {
      app.after();
    } finally {
      if (ownsDynamo) {
        dynamo.close();
      }
    }
  }

  /**
   * A second instance of the service on {@code first}'s DynamoDB Local and table (two tasks of one
   * deployment); close it before {@code first}, which owns DynamoDB Local.
   */
  public static TestBroker anotherInstance(TestBroker first, ConfigOverride... overrides) {
    return new TestBroker(first.dynamo, first.tableName, false, overrides);
  }

  /** The running application's metric registry (request counters per DynamoDB operation etc.). */
  public MetricRegistry metrics() {
    return app.getEnvironment().metrics();
  }

  public static String sha256Hex(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // what the admin API tests use

  /** A bodiless request with a bearer token (null: no Authorization header). */
  public HttpResponse<String> call(String method, String path, String token) {
    return send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  public HttpResponse<String> get(String path, String token) {
    return call("GET", path, token);
  }

  public HttpResponse<String> post(String path, String token) {
    return call("POST", path, token);
  }

  /** {@code GET} on the admin connector (metrics, health checks); no token there. */
  public HttpResponse<String> adminGet(String path) {
    return send(
        HttpRequest.newBuilder(adminUri(path)).timeout(Duration.ofSeconds(60)).GET().build());
  }

  /** The HTTP client, for tests that build unusual requests themselves. */
  public HttpClient http() {
    return http;
  }
}
