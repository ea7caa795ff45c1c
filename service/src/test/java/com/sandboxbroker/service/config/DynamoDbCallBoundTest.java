package com.sandboxbroker.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.lifecycle.setup.LifecycleEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Issue 13 item 2, "bound every call": the service's DynamoDB client fails a call to a DynamoDB
 * that accepts the connection and never answers within the allocation policy's store call timeout,
 * so a claim sent just before the claim budget ends can never land after the takeover age. Before
 * the bound (only a 5 s socket timeout, 3 attempts plus backoff) the same call took over 15 s.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DynamoDbCallBoundTest {
  /** A TCP endpoint that accepts connections, reads nothing and answers nothing, ever. */
  static final class SilentEndpoint implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();

    SilentEndpoint() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(server.accept());
                  }
                } catch (IOException closed) {
                  // stopped
                }
              },
              "silent-dynamodb");
      t.setDaemon(true);
      t.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void theBoundsKeepALateClaimInsideTheTakeoverAge() {
    for (int seconds : new int[] {1, 2, 10, 30, 60}) {
      AllocationPolicy p = policy(Duration.ofSeconds(seconds));
      assertThat(p.claimBudget().plus(p.storeCallTimeout()))
          .as("budget %d s", seconds)
          .isLessThan(p.takeoverAge());
      assertThat(p.storeCallAttemptTimeout()).isLessThan(p.storeCallTimeout());
    }
  }

  @Test
  void aCallToAStalledDynamoDbFailsWithinTheStoreCallTimeout() throws Exception {
    AllocationPolicy policy = policy(Duration.ofSeconds(4)); // call timeout 2 s, takeover age 8 s
    try (SilentEndpoint silent = new SilentEndpoint()) {
      DynamoDbFactory factory =
          Jackson.newObjectMapper()
              .convertValue(
                  Map.of(
                      "mode",
                      "aws",
                      "endpoint",
                      silent.url(),
                      "tableName",
                      "t",
                      "socketTimeoutSeconds",
                      5),
                  DynamoDbFactory.class);
      LifecycleEnvironment lifecycle = new LifecycleEnvironment(new MetricRegistry());
      System.setProperty("aws.accessKeyId", "local");
      System.setProperty("aws.secretAccessKey", "local");
      try (DynamoDbClient client = factory.build(lifecycle, null, policy)) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.describeTable(b -> b.tableName("t")))
            .isInstanceOf(SdkClientException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(silent.accepted).as("the call reached the endpoint").isNotEmpty();
        // the bound plus scheduling slack on a loaded machine, and never near the takeover age
        assertThat(took).isLessThan(policy.storeCallTimeout().plusMillis(1500));
        assertThat(policy.claimBudget().plus(took)).isLessThan(policy.takeoverAge());
      }
    }
  }

  private static AllocationPolicy policy(Duration budget) {
    AllocationPolicy d = AllocationPolicy.defaults();
    return new AllocationPolicy(
        d.identityCap(), d.leaseDuration(), Map.of(), budget, d.candidateBatch());
  }
}
