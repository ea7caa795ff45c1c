package com.sandboxbroker.core.cleanup;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.sandboxbroker.core.testing.LeaseFixture.aLease;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasCleanupHook;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasSettings;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.Sandboxes;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Cleanup claims the right to delete (a conditional write) before any upstream side effect. On
 * DynamoDB Local and a WireMock CSP/NIOSXaaS speaking the real protocol, the interleaving of issue
 * #13: cleanup reads its due list, then, before it acts, the record is removed from the table, sync
 * re-imports the still-listed account and a new learner is handed it. Before the fix cleanup then
 * ran the NIOSXaaS clean-up inside the new learner's account and deleted it upstream.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CleanupClaimTest {
  static LocalDynamo ddb;
  static DynamoDbClient client;

  WireMockServer upstream;
  DynamoDbSandboxStore store;
  String table;

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
    upstream = new WireMockServer(options().dynamicPort());
    upstream.start();
    // the account is still listed upstream (its release has not reached CSP yet)
    upstream.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .willReturn(
                okJson(
                    "{\"results\":[{\"csp_id\":1,\"id\":\"identity/accounts/"
                        + Sandboxes.uuidOf("1")
                        + "\",\"account_type\":\"sandbox\",\"state\":\"active\",\"name\":\"lab-1\"}]}")));
    upstream.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*")).willReturn(aResponse().withStatus(204)));
    upstream.stubFor(
        post(urlPathEqualTo("/v2/session/users/sign_in"))
            .willReturn(okJson("{\"jwt\":\"a.b.c\"}")));
    upstream.stubFor(
        post(urlPathEqualTo("/v2/session/account_switch"))
            .willReturn(okJson("{\"jwt\":\"d.e.f\"}")));
    upstream.stubFor(
        get(urlPathEqualTo("/api/universalinfra/v1/universalservices"))
            .willReturn(
                okJson(
                    "{\"results\":[{\"id\":\"infra/universal_service/0abc\",\"name\":\"Instrqt-SaaS\"}]}")));
    upstream.stubFor(
        delete(urlPathMatching("/api/universalinfra/v1/universalservices/.*"))
            .willReturn(aResponse().withStatus(204)));
    table = LocalDynamo.newTable(client);
    store = new DynamoDbSandboxStore(client, table);
  }

  @AfterEach
  void tearDown() {
    upstream.stop();
  }

  private CspSandboxProvider csp() {
    return CleanupFixtures.cspAt(upstream);
  }

  private Cleanup cleanup(SandboxStore cleanupStore, Clock clock) {
    NiosXaasCleanupHook hook =
        new NiosXaasCleanupHook(
            HttpClient.newHttpClient(),
            new NiosXaasSettings(
                URI.create(upstream.baseUrl()),
                "svc@example.com",
                "pw",
                "Instrqt-SaaS",
                false,
                Duration.ofSeconds(30),
                Duration.ofMinutes(10)),
            clock);
    return new Cleanup(
        cleanupStore, csp(), Optional.of(hook), clock, CleanupFixtures.policy(3, 10));
  }

  /**
   * The store cleanup sees: its due-list read returns what the index said, and only then does
   * {@code meanwhile} run, as if the index had lagged behind the table by that much.
   */
  private SandboxStore staleIndexThen(Runnable meanwhile) {
    return (SandboxStore)
        Proxy.newProxyInstance(
            SandboxStore.class.getClassLoader(),
            new Class<?>[] {SandboxStore.class},
            (proxy, method, args) -> {
              try {
                Object result = method.invoke(store, args);
                if (method.getName().equals("sandboxesInStatus")) {
                  meanwhile.run();
                }
                return result;
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static Lease leaseFor(String identity, Sandbox s, long now) {
    return aLease(identity)
        .withKey("key-" + identity)
        .naming(s)
        .forLab("lab")
        .from(now)
        .until(now + 3600)
        .writtenAt(now * 1000)
        .build();
  }

  @Test
  void aRecordRemovedAndReimportedMeanwhileIsNeverDeletedUpstream() {
    Clock clock = Clock.systemUTC();
    long now = clock.instant().getEpochSecond();
    // learner A released sandbox 1: cleanup's work
    assertThat(store.insertSandbox(Sandboxes.pendingDeletion("1", "learner-a", now - 5))).isTrue();

    SandboxStore cleanupView =
        staleIndexThen(
            () -> {
              // the record leaves the table out of band (the pre-fix bulk-delete of
              // pending_deletion did exactly this; so can any operator's CLI)
              client.deleteItem(
                  b ->
                      b.tableName(table)
                          .key(
                              Map.of(
                                  TableContract.PARTITION_KEY, AttributeValue.fromS("SBX#1"),
                                  TableContract.SORT_KEY, AttributeValue.fromS("META"))));
              // sync re-imports the still-listed account; learner B is handed it
              assertThat(new PoolSync(store, csp(), clock).run().inserted()).isEqualTo(1);
              Sandbox fresh = store.findSandbox("1").orElseThrow();
              assertThat(store.claim(leaseFor("learner-b", fresh, now)).applied()).isTrue();
            });
    upstream.resetRequests();

    JobResult r = cleanup(cleanupView, clock).run(JobContext.UNSUPERVISED);

    // no upstream side effect of any kind: no DELETE, no NIOSXaaS sign-in/switch/clean-up
    upstream.verify(0, deleteRequestedFor(urlPathMatching("/v2/sandbox/accounts/.*")));
    upstream.verify(0, anyRequestedFor(urlPathMatching("/v2/session/.*")));
    upstream.verify(0, anyRequestedFor(urlPathMatching("/api/universalinfra/.*")));
    Sandbox after = store.findSandbox("1").orElseThrow();
    assertThat(after.status()).isEqualTo(SandboxStatus.ALLOCATED);
    assertThat(after.allocatedTo()).isEqualTo("learner-b");
    assertThat(r.counts()).containsEntry("not_claimed", 1L).containsEntry("attempted", 0L);
  }

  /** Two runs that read the same due list (a lock lost mid-run): one claim wins, one DELETE. */
  @Test
  void twoRunsOnTheSameDueListDeleteEachAccountOnce() throws Exception {
    Clock clock = Clock.systemUTC();
    long now = clock.instant().getEpochSecond();
    for (int i = 1; i <= 6; i++) {
      assertThat(
              store.insertSandbox(
                  Sandboxes.pendingDeletion(Integer.toString(i), "learner-" + i, now - 5)))
          .isTrue();
    }
    // both runs hold their due lists before either acts
    CountDownLatch bothRead = new CountDownLatch(2);
    SandboxStore view =
        staleIndexThen(
            () -> {
              bothRead.countDown();
              try {
                bothRead.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    AtomicInteger claimedTotal = new AtomicInteger();
    Thread[] runs = new Thread[2];
    for (int t = 0; t < 2; t++) {
      runs[t] =
          new Thread(
              () -> {
                JobResult r = cleanup(view, clock).run(JobContext.UNSUPERVISED);
                claimedTotal.addAndGet(r.counts().get("attempted").intValue());
              });
      runs[t].start();
    }
    for (Thread t : runs) {
      t.join(120_000);
    }
    assertThat(claimedTotal.get()).isEqualTo(6);
    for (int i = 1; i <= 6; i++) {
      upstream.verify(
          1,
          deleteRequestedFor(
              urlPathEqualTo("/v2/sandbox/accounts/" + Sandboxes.uuidOf(Integer.toString(i)))));
    }
    assertThat(
            upstream.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(q -> q.getUrl().startsWith("/v2/session/account_switch"))
                .count())
        .isEqualTo(6);
    List<Sandbox> left = store.sandboxesInStatus(SandboxStatus.PENDING_DELETION);
    // the upstream still lists account 1 (stub), so 1 stays pending; the others are deleted
    assertThat(left).extracting(Sandbox::sandboxId).containsExactly("1");
  }
}
