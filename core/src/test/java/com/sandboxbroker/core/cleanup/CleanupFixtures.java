package com.sandboxbroker.core.cleanup;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.provider.csp.CspSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * What the cleanup tests share: the CSP provider on a stub upstream and the cleanup policy (4
 * workers, 1-2 s back-off, a 500-item run, 30-day audit records), varied only where a test is about
 * it.
 */
final class CleanupFixtures {
  private CleanupFixtures() {}

  /** The real CSP provider, speaking to {@code upstream}. */
  static CspSandboxProvider cspAt(WireMockServer upstream) {
    return new CspSandboxProvider(
        HttpClient.newHttpClient(),
        new CspSettings(
            URI.create(upstream.baseUrl() + "/v2"), "secret-token", Duration.ofSeconds(30), 1000));
  }

  /** The tests' policy with {@code maxAttempts} per sandbox and the breaker's minimum calls. */
  static CleanupPolicy policy(int maxAttempts, int breakerMinimumCalls) {
    return new CleanupPolicy(
        4,
        maxAttempts,
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        500,
        Duration.ofDays(30),
        breakerMinimumCalls);
  }
}
