package com.sandboxbroker.core.cleanup;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobError;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.MutableClock;
import com.sandboxbroker.core.testing.Sandboxes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CleanupTest {
  static LocalDynamo ddb;
  static DynamoDbClient client;

  WireMockServer csp;
  DynamoDbSandboxStore store;
  String table;

  /** 30 % of deletes fail with 500, 10 % are rate limited with Retry-After: 1, the rest succeed. */
  static final class Flaky implements ResponseDefinitionTransformerV2 {
    private final Random random = new Random(42);

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
      double r = random.nextDouble();
      if (r < 0.3) {
        return aResponse()
            .withStatus(500)
            .withBody(
                "{\"error\":[{\"message\":\"HTTP interceptor error: unable to get licenses for account\"}]}")
            .build();
      }
      if (r < 0.4) {
        return aResponse().withStatus(429).withHeader("Retry-After", "1").build();
      }
      return aResponse().withStatus(204).build();
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return "flaky";
    }
  }

  @BeforeAll
  static void start() {
    ddb = LocalDynamo.start();
    client = ddb.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    ddb.close();
  }

  @BeforeEach
  void setUp() {
    csp = new WireMockServer(options().dynamicPort().extensions(new Flaky()));
    csp.start();
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts")).willReturn(okJson("{\"results\": []}")));
    table = LocalDynamo.newTable(client);
    store = new DynamoDbSandboxStore(client, table);
  }

  @AfterEach
  void tearDown() {
    csp.stop();
  }

  CspSandboxProvider provider() {
    return CleanupFixtures.cspAt(csp);
  }

  Cleanup cleanup(Clock clock, int maxAttempts, int breakerMinimumCalls) {
    return new Cleanup(
        store,
        provider(),
        Optional.empty(),
        clock,
        CleanupFixtures.policy(maxAttempts, breakerMinimumCalls));
  }

  void seed(int n, long now) {
    for (int i = 1; i <= n; i++) {
      assertThat(
              store.insertSandbox(
                  Sandboxes.pendingDeletion(Integer.toString(i), "owner-" + i, now)))
          .isTrue();
    }
  }

  @Test
  void flakyUpstreamEndsWithEverySandboxDeletedAndRetryAfterHonoured() throws Exception {
    csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*"))
            .willReturn(aResponse().withTransformers("flaky")));
    Clock clock = Clock.systemUTC();
    seed(60, clock.instant().getEpochSecond());

    int runs = 0;
    long rateLimited = 0;
    while (!store.sandboxesInStatus(SandboxStatus.PENDING_DELETION).isEmpty() && runs < 40) {
      JobResult r = cleanup(clock, 12, 10).run(JobContext.UNSUPERVISED);
      rateLimited += r.counts().get("rate_limited");
      runs++;
      long nextDue =
          store.sandboxesInStatus(SandboxStatus.PENDING_DELETION).stream()
              .mapToLong(Sandbox::nextAttemptAt)
              .min()
              .orElse(0);
      long waitMillis = nextDue * 1000 - clock.millis();
      if (waitMillis > 0) {
        Thread.sleep(waitMillis);
      }
    }
    assertThat(store.sandboxesInStatus(SandboxStatus.DELETED)).hasSize(60);
    assertThat(store.sandboxesInStatus(SandboxStatus.DELETION_FAILED)).isEmpty();
    assertThat(store.sandboxesInStatus(SandboxStatus.PENDING_DELETION)).isEmpty();
    assertThat(rateLimited).isPositive();

    // Retry-After: 1 — no account was asked again sooner than a second after its 429
    Map<String, List<ServeEvent>> byAccount = new HashMap<>();
    for (ServeEvent e : csp.getAllServeEvents()) {
      if (e.getRequest().getMethod().getName().equals("DELETE")) {
        byAccount.computeIfAbsent(e.getRequest().getUrl(), k -> new ArrayList<>()).add(e);
      }
    }
    int checked = 0;
    for (List<ServeEvent> events : byAccount.values()) {
      events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
      for (int i = 0; i + 1 < events.size(); i++) {
        if (events.get(i).getResponse().getStatus() == 429) {
          long gap =
              events.get(i + 1).getRequest().getLoggedDate().getTime()
                  - events.get(i).getRequest().getLoggedDate().getTime();
          assertThat(gap).as("gap after a 429 with Retry-After: 1").isGreaterThanOrEqualTo(1000);
          checked++;
        }
      }
    }
    assertThat(checked).isPositive();
    System.out.printf(
        "flaky cleanup: %d runs, %d rate-limited answers, %d delete requests%n",
        runs, rateLimited, byAccount.values().stream().mapToInt(List::size).sum());
  }

  @Test
  void upstreamDownDrainsTheRunAndBurnsNothing() {
    csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*")).willReturn(aResponse().withStatus(503)));
    MutableClock clock = MutableClock.systemUtc();
    seed(40, clock.instant().getEpochSecond());

    for (int run = 0; run < 3; run++) {
      JobResult r = cleanup(clock, 3, 10).run(JobContext.UNSUPERVISED);
      assertThat(r.failure()).contains(JobError.UPSTREAM_UNAVAILABLE);
      assertThat(r.counts().get("drained")).isEqualTo(1L);
      assertThat(r.counts().get("deferred")).isPositive();
      assertThat(r.counts().get("attempted")).isLessThan(20);
      clock.advance(Duration.ofSeconds(3));
    }
    assertThat(store.sandboxesInStatus(SandboxStatus.DELETION_FAILED)).isEmpty();
    List<Sandbox> pending = store.sandboxesInStatus(SandboxStatus.PENDING_DELETION);
    assertThat(pending).hasSize(40);
    assertThat(pending).allSatisfy(s -> assertThat(s.deletionAttempts()).isLessThan(3));
  }

  @Test
  void persistentFailureBecomesDeletionFailedOnlyAfterTheConfiguredAttempts() {
    csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*")).willReturn(aResponse().withStatus(500)));
    MutableClock clock = MutableClock.systemUtc();
    seed(1, clock.instant().getEpochSecond());
    for (int run = 1; run <= 3; run++) {
      cleanup(clock, 3, 100).run(JobContext.UNSUPERVISED);
      Sandbox s = store.findSandbox("1").orElseThrow();
      assertThat(s.deletionAttempts()).isEqualTo(run);
      assertThat(s.status())
          .isEqualTo(run < 3 ? SandboxStatus.PENDING_DELETION : SandboxStatus.DELETION_FAILED);
      assertThat(s.lastError()).isEqualTo("CSP DELETE: HTTP 500");
      if (run < 3) {
        // backoff: not due again before a second has passed
        assertThat(s.nextAttemptAt()).isGreaterThan(clock.instant().getEpochSecond());
        JobResult early = cleanup(clock, 3, 100).run(JobContext.UNSUPERVISED);
        assertThat(early.counts().get("due")).isZero();
      }
      clock.advance(Duration.ofSeconds(3));
    }
  }

  @Test
  void aVerifiedDeletionLeavesAnAuditRecordWithTtlAndOwner() {
    csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*")).willReturn(aResponse().withStatus(404)));
    Clock clock = Clock.systemUTC();
    long now = clock.instant().getEpochSecond();
    seed(1, now);
    JobResult r = cleanup(clock, 3, 10).run(JobContext.UNSUPERVISED);
    assertThat(r.counts()).containsEntry("deleted", 1L);
    Sandbox s = store.findSandbox("1").orElseThrow();
    assertThat(s.status()).isEqualTo(SandboxStatus.DELETED);
    assertThat(s.allocatedTo()).isEqualTo("owner-1");
    assertThat(s.deletedAt()).isGreaterThanOrEqualTo(now);
    var item =
        client
            .getItem(
                b ->
                    b.tableName(table)
                        .key(
                            Map.of(
                                "PK",
                                AttributeValue.fromS("SBX#1"),
                                "SK",
                                AttributeValue.fromS("META"))))
            .item();
    long ttl = Long.parseLong(item.get("ttl").n());
    assertThat(ttl)
        .isBetween(
            now + Duration.ofDays(30).toSeconds() - 5, now + Duration.ofDays(30).toSeconds() + 5);
    assertThat(item.get("schema_version").n()).isEqualTo("1");
  }

  @Test
  void anAccountStillListedAfterItsDeleteIsNotRecordedDeleted() {
    csp.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*")).willReturn(aResponse().withStatus(204)));
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .willReturn(
                okJson(
                    "{\"results\":[{\"csp_id\":1,\"id\":\"identity/accounts/"
                        + Sandboxes.uuidOf("1")
                        + "\",\"account_type\":\"sandbox\",\"state\":\"active\",\"name\":\"lab-1\"}]}")));
    Clock clock = Clock.systemUTC();
    seed(1, clock.instant().getEpochSecond());
    cleanup(clock, 3, 10).run(JobContext.UNSUPERVISED);
    Sandbox s = store.findSandbox("1").orElseThrow();
    assertThat(s.status()).isEqualTo(SandboxStatus.PENDING_DELETION);
    assertThat(s.deletionAttempts()).isEqualTo(1);
    assertThat(s.lastError()).isEqualTo("still listed after delete");
  }
}
