package com.sandboxbroker.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.service.metrics.DynamoDbRequestMetrics;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.lifecycle.setup.LifecycleEnvironment;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * Builds the DynamoDB client. {@code local} (the embedded default) runs DynamoDB Local inside this
 * JVM without HTTP (measured about 1.7× the claim rate of its HTTP server), file-backed under
 * {@code local.dbPath} or in memory. {@code aws} uses the default credential chain, a region and an
 * optional endpoint: pointing the service at real DynamoDB is configuration only.
 */
public final class DynamoDbFactory {
  /** Where the table lives. */
  public enum Mode {
    LOCAL,
    AWS
  }

  @JsonProperty @NotNull private Mode mode = Mode.LOCAL;
  @JsonProperty @NotBlank private String tableName = TableContract.DEFAULT_TABLE_NAME;
  @JsonProperty private String region = "us-east-1";
  @JsonProperty private String endpoint = "";

  /** Create the table when missing; always on in local mode, normally off when deployed. */
  @JsonProperty private boolean createTable = false;

  /**
   * Sized above the Jetty threads that may allocate at once, so requests never queue for a socket.
   */
  @JsonProperty private int maxConnections = 256;

  /**
   * SDK attempts per call (the SDK's own default is 3); throttling and 5xx are retried with
   * backoff.
   */
  @JsonProperty private int maxAttempts = 3;

  /** DynamoDB answers in milliseconds; a socket silent this long is a dead connection. */
  @JsonProperty private int socketTimeoutSeconds = 5;

  @JsonProperty @Valid private Local local = new Local();

  /** Embedded DynamoDB Local settings. */
  public static final class Local {
    @JsonProperty private String dbPath = "./data";
    @JsonProperty private boolean inMemory = false;
  }

  public Mode mode() {
    return mode;
  }

  public String tableName() {
    return tableName;
  }

  public boolean createTable() {
    return createTable || mode == Mode.LOCAL;
  }

  /**
   * True when the table cannot be a real one: the embedded store, or an endpoint override on this
   * machine's loopback address (a DynamoDB Local, as the service tests run it). Any other {@code
   * aws} store may be a production table.
   */
  public boolean isThrowaway() {
    if (mode == Mode.LOCAL) {
      return true;
    }
    if (endpoint == null || endpoint.isBlank()) {
      return false;
    }
    try {
      String host = URI.create(endpoint.trim()).getHost();
      return host != null
          && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The embedded instance's Streams API, once {@link #build} made one (local mode). */
  private DynamoDbStreamsClient embeddedStreams;

  /**
   * The Streams API of the same DynamoDB {@link #build} connected to: the embedded instance's in
   * local mode, else a client for the region (and endpoint, e.g. DynamoDB Local over HTTP). Call
   * after {@link #build}. Used by the local event feed only; deployed, a Pipe reads the stream.
   */
  public DynamoDbStreamsClient buildStreams(LifecycleEnvironment lifecycle) {
    if (mode == Mode.LOCAL) {
      if (embeddedStreams == null) {
        throw new IllegalStateException(
            "build() first: the streams client belongs to the embedded instance");
      }
      return embeddedStreams;
    }
    var builder =
        DynamoDbStreamsClient.builder()
            .region(Region.of(region))
            .httpClient(ApacheHttpClient.builder().build());
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    var client = builder.build();
    lifecycle.manage(
        new Managed() {
          @Override
          public void stop() {
            client.close();
          }
        });
    return client;
  }

  public DynamoDbClient build(LifecycleEnvironment lifecycle) {
    return build(lifecycle, null);
  }

  /**
   * As {@link #build(LifecycleEnvironment)}, every request counted by {@code metrics} (if given).
   */
  public DynamoDbClient build(LifecycleEnvironment lifecycle, DynamoDbRequestMetrics metrics) {
    return build(lifecycle, metrics, AllocationPolicy.defaults());
  }

  /**
   * As {@link #build(LifecycleEnvironment, DynamoDbRequestMetrics)}, every call bounded by the
   * allocation policy's {@code storeCallTimeout} (and its per-attempt share), so no claim outlives
   * the takeover age. The embedded store has no SDK pipeline to bound, and no network to stall on.
   */
  public DynamoDbClient build(
      LifecycleEnvironment lifecycle, DynamoDbRequestMetrics metrics, AllocationPolicy bounds) {
    if (mode == Mode.LOCAL) {
      AmazonDynamoDBLocal embedded;
      if (local.inMemory) {
        embedded = DynamoDBEmbedded.create(true); // the flag disables telemetry
      } else {
        File dir = new File(local.dbPath);
        if (!dir.isDirectory() && !dir.mkdirs()) {
          throw new IllegalStateException("cannot create " + dir.getAbsolutePath());
        }
        // a database FILE: given a directory sqlite4java retries forever (toolchain.md gotcha 5)
        embedded = DynamoDBEmbedded.create(new File(dir, "broker.db"), true);
      }
      lifecycle.manage(
          new Managed() {
            @Override
            public void stop() {
              embedded.shutdown();
            }
          });
      this.embeddedStreams = embedded.dynamoDbStreamsClient();
      DynamoDbClient client = embedded.dynamoDbClient();
      // no SDK pipeline in embedded mode, so the interceptor below would never run: wrap instead
      return metrics == null ? client : metrics.counting(client);
    }
    var builder =
        DynamoDbClient.builder()
            .region(Region.of(region))
            .httpClient(
                ApacheHttpClient.builder()
                    .maxConnections(maxConnections)
                    .connectionTimeout(Duration.ofSeconds(2))
                    .socketTimeout(Duration.ofSeconds(socketTimeoutSeconds))
                    .build());
    // one override: a second overrideConfiguration(...) call would replace this one
    builder.overrideConfiguration(
        o -> {
          o.retryStrategy(
              AwsRetryStrategy.standardRetryStrategy().toBuilder()
                  .maxAttempts(maxAttempts)
                  .build());
          o.apiCallTimeout(bounds.storeCallTimeout());
          o.apiCallAttemptTimeout(bounds.storeCallAttemptTimeout());
          if (metrics != null) {
            o.addExecutionInterceptor(metrics.interceptor());
          }
        });
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    DynamoDbClient client = builder.build();
    lifecycle.manage(
        new Managed() {
          @Override
          public void stop() {
            client.close();
          }
        });
    return client;
  }
}
