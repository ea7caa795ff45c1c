package com.sandboxbroker.core.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sandboxbroker.core.cleanup.Cleanup;
import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasCleanupHook;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasSettings;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.Sandboxes;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every wait on the upstream has a bound: a body that stalls after its headers ends at the
 * request's deadline (before the fix the JDK client's timeout stopped at the headers and the call
 * waited for the whole body), and a huge {@code Retry-After} is capped (before the fix {@code
 * Long.MAX_VALUE} seconds overflowed in cleanup's worker, which died without recording anything).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UpstreamDeadlineTest {
  static WireMockServer upstream;

  @BeforeAll
  static void start() {
    upstream = new WireMockServer(options().dynamicPort());
    upstream.start();
  }

  @AfterAll
  static void stop() {
    upstream.stop();
  }

  @BeforeEach
  void reset() {
    upstream.resetAll();
  }

  private static CspSandboxProvider csp(Duration timeout) {
    return new CspSandboxProvider(
        HttpClient.newHttpClient(),
        new CspSettings(URI.create(upstream.baseUrl() + "/v2"), "secret-token", timeout, 1000));
  }

  @Test
  void aListingWhoseBodyStallsEndsAtTheDeadline() {
    // headers at once, then the body dribbles out over 30 s
    upstream.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .willReturn(
                okJson("{\"results\":[" + "{\"csp_id\":1,\"name\":\"x\"},".repeat(200) + "{}]}")
                    .withChunkedDribbleDelay(30, 30_000)));
    long start = System.nanoTime();
    assertThatThrownBy(() -> csp(Duration.ofSeconds(1)).listSandboxes())
        .isInstanceOf(UpstreamUnavailableException.class)
        .hasMessageContaining("timeout");
    // three tries of 1 s plus about 1.5 s of backoff, never 3 × 30 s
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aDeleteWhoseBodyStallsEndsAtTheDeadline() {
    upstream.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("x".repeat(3000))
                    .withChunkedDribbleDelay(30, 30_000)));
    long start = System.nanoTime();
    Sandbox s = Sandboxes.pendingDeletion("7", "owner", 1000);
    assertThatThrownBy(() -> csp(Duration.ofSeconds(1)).deleteSandbox(s))
        .isInstanceOf(UpstreamUnavailableException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aNiosXaasStepWhoseBodyStallsEndsAtTheDeadline() {
    upstream.stubFor(
        post(urlPathEqualTo("/v2/session/users/sign_in"))
            .willReturn(
                okJson("{\"jwt\":\"a.b.c\",\"pad\":\"" + "x".repeat(3000) + "\"}")
                    .withChunkedDribbleDelay(30, 30_000)));
    NiosXaasCleanupHook hook =
        new NiosXaasCleanupHook(
            HttpClient.newHttpClient(),
            new NiosXaasSettings(
                URI.create(upstream.baseUrl()),
                "svc@example.com",
                "pw",
                "Instrqt-SaaS",
                false,
                Duration.ofSeconds(1),
                Duration.ofMinutes(10)),
            Clock.systemUTC());
    long start = System.nanoTime();
    PreDeleteOutcome outcome = hook.beforeDelete(Sandboxes.pendingDeletion("8", "owner", 1000));
    assertThat(outcome.kind()).isEqualTo(PreDeleteOutcome.Kind.FAILED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aHugeRetryAfterIsCappedAndRecorded() {
    upstream.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*"))
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", Long.toString(Long.MAX_VALUE))));
    Sandbox s = Sandboxes.pendingDeletion("9", "owner", 1000);
    assertThatThrownBy(() -> csp(Duration.ofSeconds(5)).deleteSandbox(s))
        .isInstanceOfSatisfying(
            UpstreamRateLimitedException.class,
            e -> assertThat(e.retryAfter()).isLessThanOrEqualTo(Duration.ofHours(1)));

    LocalDynamo ddb = LocalDynamo.start();
    try (var client = ddb.client()) {
      DynamoDbSandboxStore store = new DynamoDbSandboxStore(client, LocalDynamo.newTable(client));
      long now = Clock.systemUTC().instant().getEpochSecond();
      for (int i = 1; i <= 3; i++) {
        store.insertSandbox(Sandboxes.pendingDeletion(Integer.toString(i), "owner-" + i, now - 5));
      }
      long start = System.nanoTime();
      JobResult r =
          new Cleanup(
                  store,
                  csp(Duration.ofSeconds(5)),
                  Optional.empty(),
                  Clock.systemUTC(),
                  new CleanupPolicy(
                      1,
                      3,
                      Duration.ofSeconds(1),
                      Duration.ofMinutes(30),
                      500,
                      Duration.ofDays(30),
                      10))
              .run(JobContext.UNSUPERVISED);
      // the run neither waited the pause out nor lost the answer: the first item is rescheduled
      // after the (capped) pause, the rest stay due untouched, and nothing died unrecorded
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      assertThat(r.counts())
          .containsEntry("rate_limited", 1L)
          .containsEntry("errors", 0L)
          .containsEntry("deferred", 2L);
      long rescheduled =
          store.sandboxesInStatus(SandboxStatus.PENDING_DELETION).stream()
              .filter(x -> x.nextAttemptAt() > now)
              .peek(
                  x ->
                      assertThat(x.nextAttemptAt())
                          .isLessThanOrEqualTo(now + Duration.ofMinutes(31).toSeconds()))
              .peek(x -> assertThat(x.deletionAttempts()).isZero())
              .count();
      assertThat(rescheduled).isEqualTo(1);
    } finally {
      ddb.close();
    }
  }
}
