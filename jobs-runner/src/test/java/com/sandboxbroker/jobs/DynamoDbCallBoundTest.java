package com.sandboxbroker.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sandboxbroker.core.allocation.AllocationPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Issue 13 item 2, "bound every call", for the jobs-runner: its DynamoDB client fails a call to a
 * DynamoDB that accepts the connection and never answers within the store call timeout the service
 * uses (AllocationPolicy), instead of holding the job and its lock on a dead socket. Before the
 * bound the url-connection client waited its 30 s socket timeout per attempt, three attempts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DynamoDbCallBoundTest {
  @Test
  void aCallToAStalledDynamoDbFailsWithinTheStoreCallTimeout() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // and never answer
                  }
                } catch (IOException closed) {
                  // stopped
                }
              });
      t.setDaemon(true);
      t.start();
      System.setProperty("aws.accessKeyId", "local");
      System.setProperty("aws.secretAccessKey", "local");
      AllocationPolicy bounds = AllocationPolicy.defaults();
      try (DynamoDbClient client =
          new AwsClientFactory(Optional.of("us-east-1"))
              .dynamoDb(Optional.of(URI.create("http://127.0.0.1:" + silent.getLocalPort())))) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.describeTable(b -> b.tableName("t")))
            .isInstanceOf(SdkClientException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(accepted).as("the call reached the endpoint").isNotEmpty();
        assertThat(took).isLessThan(bounds.storeCallTimeout().plusMillis(1500));
      }
    } finally {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
