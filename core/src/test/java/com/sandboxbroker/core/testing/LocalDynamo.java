package com.sandboxbroker.core.testing;

import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local in this JVM, as an HTTP server on a free port and in memory, so tests use the real
 * SDK client (with interceptors that count requests) against the real DynamoDB semantics.
 */
public final class LocalDynamo implements AutoCloseable {
  private final DynamoDBProxyServer server;
  private final int port;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();

  private LocalDynamo(DynamoDBProxyServer server, int port) {
    this.server = server;
    this.port = port;
  }

  public static LocalDynamo start() {
    // for code under test that uses the default region and credential chain (DynamoDB Local
    // accepts any credentials)
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
    for (int attempt = 0; ; attempt++) { // retry if the free port was taken in between
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      DynamoDBProxyServer server = null;
      try {
        server =
            ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-port", Integer.toString(port), "-disableTelemetry", "-inMemory"});
        server.start();
        return new LocalDynamo(server, port);
      } catch (Exception e) {
        stopQuietly(server);
        if (attempt == 4) {
          throw new IllegalStateException("DynamoDB Local did not start", e);
        }
      }
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A fresh table name, so tests sharing one server never see each other's items. */
  /** Creates a table with a fresh unique name, laid out as the broker's; returns the name. */
  public static String newTable(DynamoDbClient client) {
    String name = uniqueTableName();
    new SandboxTable(client, name).createIfMissing();
    return name;
  }

  public static String uniqueTableName() {
    return "t-" + UUID.randomUUID();
  }

  /** A real SDK client; every request it sends is counted. */
  public DynamoDbClient client() {
    return client(new ExecutionInterceptor[0]);
  }

  /** As {@link #client()}, with {@code extra} interceptors watching every request and response. */
  public DynamoDbClient client(ExecutionInterceptor... extra) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.builder().build())
        .overrideConfiguration(
            o -> {
              o.addExecutionInterceptor(new Counter());
              for (ExecutionInterceptor i : extra) {
                o.addExecutionInterceptor(i);
              }
            })
        .build();
  }

  /** Requests sent by clients of this instance. */
  public long requestCount() {
    return requests.get();
  }

  /**
   * Write requests (Put/Update/Delete/BatchWrite/TransactWrite) sent by clients of this instance.
   */
  public long writeCount() {
    return writes.get();
  }

  @Override
  public void close() {
    stopQuietly(server);
  }

  private static void stopQuietly(DynamoDBProxyServer server) {
    if (server != null) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // shutting down a test server
      }
    }
  }

  private final class Counter implements ExecutionInterceptor {
    private static final List<String> WRITE_OPERATIONS =
        new ArrayList<>(
            List.of(
                "PutItemRequest",
                "UpdateItemRequest",
                "DeleteItemRequest",
                "BatchWriteItemRequest",
                "TransactWriteItemsRequest"));

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      requests.incrementAndGet();
      if (WRITE_OPERATIONS.contains(context.request().getClass().getSimpleName())) {
        writes.incrementAndGet();
      }
    }
  }
}
