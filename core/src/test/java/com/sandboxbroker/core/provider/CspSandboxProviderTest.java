package com.sandboxbroker.core.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.testing.Sandboxes;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CspSandboxProviderTest {
  WireMockServer csp;

  @BeforeEach
  void start() {
    csp = new WireMockServer(options().dynamicPort());
    csp.start();
  }

  @AfterEach
  void stop() {
    csp.stop();
  }

  CspSandboxProvider provider(int pageSize, Duration timeout) {
    return new CspSandboxProvider(
        HttpClient.newHttpClient(),
        new CspSettings(URI.create(csp.baseUrl() + "/v2/"), "tok-123", timeout, pageSize));
  }

  static String account(int cspId, String type, String state) {
    return "{\"csp_id\":"
        + cspId
        + ",\"id\":\"identity/accounts/"
        + Sandboxes.uuidOf(Integer.toString(cspId))
        + "\",\"name\":\"lab-"
        + cspId
        + "\",\"account_type\":\""
        + type
        + "\",\"state\":\""
        + state
        + "\",\"created_at\":\"2025-10-01T10:00:00Z\",\"sfdc_account_id\":\"SF"
        + cspId
        + "\"}";
  }

  @Test
  void listsWithTokenAuthAndKeepsOnlyActiveSandboxes() {
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .willReturn(
                okJson(
                    "{\"results\":["
                        + account(1, "sandbox", "active")
                        + ","
                        + account(2, "customer", "active")
                        + ","
                        + account(3, "sandbox", "disabled")
                        + ",{\"id\":\"identity/accounts/abc\",\"name\":\"no-csp-id\",\"account_type\":\"sandbox\",\"state\":\"active\"}]}")));
    List<UpstreamSandbox> list = provider(1000, Duration.ofSeconds(30)).listSandboxes();
    assertThat(list)
        .extracting(UpstreamSandbox::sandboxId)
        .containsExactly("1", "identity/accounts/abc");
    assertThat(list.get(0).sfdcAccountId()).isEqualTo("SF1");
    assertThat(list.get(0).externalId()).startsWith("identity/accounts/");
    csp.verify(
        getRequestedFor(urlPathEqualTo("/v2/current_user/accounts"))
            .withHeader("Authorization", equalTo("Token tok-123")));
  }

  @Test
  void followsOffsetPagingToTheEnd() {
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .withQueryParam("_offset", absent())
            .willReturn(
                okJson(
                    "{\"results\":["
                        + account(1, "sandbox", "active")
                        + ","
                        + account(2, "sandbox", "active")
                        + "]}")));
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .withQueryParam("_offset", equalTo("2"))
            .willReturn(
                okJson(
                    "{\"results\":["
                        + account(3, "sandbox", "active")
                        + ","
                        + account(4, "sandbox", "active")
                        + "]}")));
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .withQueryParam("_offset", equalTo("4"))
            .willReturn(okJson("{\"results\":[" + account(5, "sandbox", "active") + "]}")));
    assertThat(provider(2, Duration.ofSeconds(30)).listSandboxes())
        .extracting(UpstreamSandbox::sandboxId)
        .containsExactly("1", "2", "3", "4", "5");
  }

  @Test
  void aServerIgnoringPagingIsReadOnce() {
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .willReturn(
                okJson(
                    "{\"results\":["
                        + account(1, "sandbox", "active")
                        + ","
                        + account(2, "sandbox", "active")
                        + "]}")));
    assertThat(provider(2, Duration.ofSeconds(30)).listSandboxes()).hasSize(2);
    csp.verify(
        2,
        getRequestedFor(urlPathEqualTo("/v2/current_user/accounts"))); // the 2nd page added nothing
  }

  @Test
  void followsPageTokens() {
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .withQueryParam("_page_token", absent())
            .willReturn(
                okJson(
                    "{\"results\":["
                        + account(1, "sandbox", "active")
                        + "],\"next_page_token\":\"p2\"}")));
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts"))
            .withQueryParam("_page_token", equalTo("p2"))
            .willReturn(okJson("{\"results\":[" + account(2, "sandbox", "active") + "]}")));
    assertThat(provider(1000, Duration.ofSeconds(30)).listSandboxes())
        .extracting(UpstreamSandbox::sandboxId)
        .containsExactly("1", "2");
  }

  @Test
  void listRetriesTransientFailuresThenGivesUp() {
    csp.stubFor(
        get(urlPathEqualTo("/v2/current_user/accounts")).willReturn(aResponse().withStatus(502)));
    assertThatThrownBy(() -> provider(1000, Duration.ofSeconds(30)).listSandboxes())
        .isInstanceOf(UpstreamUnavailableException.class)
        .hasMessage("CSP GET: HTTP 502");
    csp.verify(3, getRequestedFor(urlPathEqualTo("/v2/current_user/accounts")));
  }

  @Test
  void deleteMapsStatuses() {
    String uuid = Sandboxes.uuidOf("7");
    String path = "/v2/sandbox/accounts/" + uuid;
    var sandbox = Sandboxes.pendingDeletion("7", "o", 100);
    // generous: a loaded CI machine must not turn a slow stub answer into a timeout
    CspSandboxProvider p = provider(1000, Duration.ofSeconds(30));
    for (int ok : new int[] {200, 204, 404}) {
      csp.stubFor(delete(urlPathEqualTo(path)).willReturn(aResponse().withStatus(ok)));
      p.deleteSandbox(sandbox);
    }
    csp.verify(
        deleteRequestedFor(urlPathEqualTo(path))
            .withHeader("Authorization", equalTo("Token tok-123")));
    csp.stubFor(
        delete(urlPathEqualTo(path))
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
    assertThatThrownBy(() -> p.deleteSandbox(sandbox))
        .isInstanceOfSatisfying(
            UpstreamRateLimitedException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    csp.stubFor(delete(urlPathEqualTo(path)).willReturn(aResponse().withStatus(500)));
    assertThatThrownBy(() -> p.deleteSandbox(sandbox))
        .isInstanceOf(UpstreamUnavailableException.class);
    csp.stubFor(delete(urlPathEqualTo(path)).willReturn(aResponse().withStatus(401)));
    assertThatThrownBy(() -> p.deleteSandbox(sandbox))
        .isInstanceOf(UpstreamRejectedException.class)
        .hasMessageNotContaining("tok-123");
    csp.stubFor(
        delete(urlPathEqualTo(path)).willReturn(aResponse().withStatus(204).withFixedDelay(5000)));
    assertThatThrownBy(() -> provider(1000, Duration.ofSeconds(1)).deleteSandbox(sandbox))
        .isInstanceOf(UpstreamUnavailableException.class)
        .hasMessageContaining("timeout");
  }
}
