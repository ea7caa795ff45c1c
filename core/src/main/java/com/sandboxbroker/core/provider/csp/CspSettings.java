package com.sandboxbroker.core.provider.csp;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Infoblox CSP.
 *
 * @param requestTimeout per request; deletes take 5–10 s in production, so well above that
 * @param pageSize how many accounts one list request asks for when the server pages
 */
public record CspSettings(URI baseUrl, String apiToken, Duration requestTimeout, int pageSize) {
  public static final URI DEFAULT_BASE_URL = URI.create("https://csp.infoblox.com/v2");

  /** The earlier broker's read timeout; production deletes take 5–10 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);

  /** Connect timeout of the earlier broker: a healthy CSP answers a TCP connect in far less. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Large pages keep a 10,000-account listing to tens of requests. */
  public static final int DEFAULT_PAGE_SIZE = 1000;

  public CspSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (apiToken == null || apiToken.isBlank()) {
      throw new IllegalArgumentException("CSP API token is required");
    }
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be >= 1");
    }
    String text = baseUrl.toString();
    if (text.endsWith("/")) {
      baseUrl = URI.create(text.substring(0, text.length() - 1));
    }
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "CspSettings[baseUrl="
        + baseUrl
        + ", apiToken=***, requestTimeout="
        + requestTimeout
        + ", pageSize="
        + pageSize
        + "]";
  }
}
