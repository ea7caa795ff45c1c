package com.sandboxbroker.core.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.sandboxbroker.core.cleanup.Cleanup;
import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasCleanupHook;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasSettings;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.InMemorySandboxStore;
import com.sandboxbroker.core.testing.Sandboxes;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class NiosXaasCleanupHookTest {
  static final String PASSWORD = "pa55-w0rd-never-logged";
  static final String EMAIL = "svc-account@example.com";
  static final String TOKEN = "csp-token-never-logged";

  WireMockServer wm;
  InMemorySandboxStore store = new InMemorySandboxStore();
  ListAppender<ILoggingEvent> logs = new ListAppender<>();
  Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().dynamicPort());
    wm.start();
    wm.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts")).willReturn(okJson("{\"results\":[]}")));
    wm.stubFor(
        delete(urlPathMatching("/v2/sandbox/accounts/.*")).willReturn(aResponse().withStatus(204)));
    wm.stubFor(
        post(urlPathEqualTo("/v2/session/users/sign_in"))
            .withRequestBody(
                equalToJson("{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}"))
            .willReturn(okJson("{\"jwt\":\"session-jwt\"}")));
    wm.stubFor(
        post(urlPathEqualTo("/v2/session/account_switch"))
            .withHeader("Authorization", equalTo("Bearer session-jwt"))
            .willReturn(okJson("{\"jwt\":\"scoped-jwt\"}")));
    wm.stubFor(
        get(urlPathEqualTo("/api/universalinfra/v1/universalservices"))
            .withHeader("Authorization", equalTo("Bearer scoped-jwt"))
            .willReturn(
                okJson(
                    "{\"results\":[{\"id\":\"infra/universal_service/aaaa-1\",\"name\":\"Instrqt-SaaS\"},"
                        + "{\"id\":\"infra/universal_service/bbbb-2\",\"name\":\"keep-me\"},"
                        + "{\"id\":\"infra/universal_service/cccc-3\",\"name\":\"Instrqt-SaaS\"}]}")));
    wm.stubFor(
        delete(urlPathMatching("/api/universalinfra/v1/universalservices/.*"))
            .willReturn(aResponse().withStatus(204)));
    logs.start();
    root.addAppender(logs);
    root.setLevel(ch.qos.logback.classic.Level.INFO);
    ((Logger) LoggerFactory.getLogger("com.sandboxbroker"))
        .setLevel(ch.qos.logback.classic.Level.DEBUG);
  }

  @AfterEach
  void stop() {
    root.detachAppender(logs);
    root.setLevel(ch.qos.logback.classic.Level.WARN);
    wm.stop();
  }

  Cleanup cleanup(boolean shadow) {
    var hook =
        new NiosXaasCleanupHook(
            HttpClient.newHttpClient(),
            new NiosXaasSettings(
                URI.create(wm.baseUrl()),
                EMAIL,
                PASSWORD,
                "Instrqt-SaaS",
                shadow,
                Duration.ofSeconds(30),
                Duration.ofMinutes(10)),
            Clock.systemUTC());
    var csp =
        new CspSandboxProvider(
            HttpClient.newHttpClient(),
            new CspSettings(URI.create(wm.baseUrl() + "/v2"), TOKEN, Duration.ofSeconds(30), 1000));
    return new Cleanup(
        store,
        csp,
        Optional.of(hook),
        Clock.systemUTC(),
        new CleanupPolicy(
            2, 3, Duration.ofSeconds(1), Duration.ofSeconds(2), 100, Duration.ofDays(30), 10));
  }

  void seed(int n) {
    for (int i = 1; i <= n; i++) {
      store.insertSandbox(Sandboxes.pendingDeletion(Integer.toString(i), "o" + i, 1000));
    }
  }

  @Test
  void deletesServicesWithTheConfiguredNameBeforeTheAccount_reusingOneSession() {
    seed(3);
    JobResult r = cleanup(false).run(JobContext.UNSUPERVISED);
    assertThat(r.counts()).containsEntry("deleted", 3L).containsEntry("predelete_cleaned", 6L);
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v2/session/users/sign_in")));
    wm.verify(3, postRequestedFor(urlPathEqualTo("/v2/session/account_switch")));
    wm.verify(
        postRequestedFor(urlPathEqualTo("/v2/session/account_switch"))
            .withRequestBody(
                equalToJson("{\"id\":\"identity/accounts/" + Sandboxes.uuidOf("1") + "\"}")));
    wm.verify(
        3, deleteRequestedFor(urlPathEqualTo("/api/universalinfra/v1/universalservices/aaaa-1")));
    wm.verify(
        0, deleteRequestedFor(urlPathEqualTo("/api/universalinfra/v1/universalservices/bbbb-2")));
    assertThat(store.preDeleteOutcome("1")).contains("cleaned:2");

    // for one account, its services went before the account itself
    List<ServeEvent> events =
        wm.getAllServeEvents().stream()
            .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
            .toList();
    int lastService = -1;
    int account = -1;
    for (int i = 0; i < events.size(); i++) {
      String url = events.get(i).getRequest().getUrl();
      if (url.startsWith("/v2/sandbox/accounts/" + Sandboxes.uuidOf("1"))) {
        account = i;
      }
    }
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).getRequest().getUrl().contains("universalservices/") && i < account) {
        lastService = i;
      }
    }
    assertThat(lastService).isGreaterThanOrEqualTo(0).isLessThan(account);
    assertNoSecretsLogged();
  }

  @Test
  void shadowModeDeletesNothingButCounts() {
    seed(2);
    JobResult r = cleanup(true).run(JobContext.UNSUPERVISED);
    assertThat(r.counts()).containsEntry("deleted", 2L);
    wm.verify(0, deleteRequestedFor(urlPathMatching("/api/universalinfra/.*")));
    assertThat(store.preDeleteOutcome("1")).contains("shadow:would_delete:2");
  }

  @Test
  void aFailingNiosXaasStepDoesNotBlockTheDeletion() {
    wm.stubFor(
        post(urlPathEqualTo("/v2/session/users/sign_in"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody("{\"error\":\"bad credentials for " + EMAIL + "\"}")));
    seed(2);
    JobResult r = cleanup(false).run(JobContext.UNSUPERVISED);
    assertThat(r.counts()).containsEntry("deleted", 2L).containsEntry("predelete_failed", 2L);
    assertThat(store.findSandbox("1").orElseThrow().status()).isEqualTo(SandboxStatus.DELETED);
    assertThat(store.preDeleteOutcome("1")).contains("failed:sign_in: HTTP 401");
    assertNoSecretsLogged();
  }

  @Test
  void anExpiredSessionIsRenewedOnce() {
    wm.stubFor(
        post(urlPathEqualTo("/v2/session/account_switch"))
            .withHeader("Authorization", equalTo("Bearer session-jwt"))
            .inScenario("expiry")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(401))
            .willSetStateTo("renewed"));
    wm.stubFor(
        post(urlPathEqualTo("/v2/session/account_switch"))
            .withHeader("Authorization", equalTo("Bearer session-jwt"))
            .inScenario("expiry")
            .whenScenarioStateIs("renewed")
            .willReturn(okJson("{\"jwt\":\"scoped-jwt\"}")));
    seed(1);
    cleanup(false).run(JobContext.UNSUPERVISED);
    wm.verify(2, postRequestedFor(urlPathEqualTo("/v2/session/users/sign_in")));
    assertThat(store.preDeleteOutcome("1")).contains("cleaned:2");
  }

  void assertNoSecretsLogged() {
    // everything logged at DEBUG and above, except the HTTP stub's own server (test infrastructure,
    // which logs the headers it receives)
    for (ILoggingEvent e : logs.list) {
      if (e.getLoggerName().startsWith("org.eclipse.jetty")
          || e.getLoggerName().contains("wiremock")) {
        continue;
      }
      String text =
          e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
      assertThat(text)
          .doesNotContain(PASSWORD)
          .doesNotContain(TOKEN)
          .doesNotContain(EMAIL)
          .doesNotContain("session-jwt");
    }
    assertThat(store.preDeleteOutcome("1").orElse(""))
        .doesNotContain(PASSWORD)
        .doesNotContain(EMAIL);
  }
}
