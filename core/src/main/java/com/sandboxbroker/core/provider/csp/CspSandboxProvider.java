package com.sandboxbroker.core.provider.csp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.provider.SandboxProvider;
import com.sandboxbroker.core.provider.UpstreamRateLimitedException;
import com.sandboxbroker.core.provider.UpstreamRejectedException;
import com.sandboxbroker.core.provider.UpstreamUnavailableException;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Infoblox CSP over the JDK's {@code java.net.http} client (per-request timeouts, HTTP/2, no extra
 * dependency and no Jersey in core). Auth is {@code Authorization: Token <token>} — not Bearer,
 * which the earlier broker shipped first and every call failed with 401.
 *
 * <p>Listing follows paging to the end (a page token if the server returns one, else offsets while
 * pages come back full) and stops on a page that adds nothing new, so a server that ignores paging
 * parameters is read exactly once. The idempotent list requests are retried on transient failures
 * with resilience4j; deletes are not retried here — cleanup retries them across runs, recording
 * attempts on the sandbox.
 */
public final class CspSandboxProvider implements SandboxProvider {
  /** Upstream uuids are hex and dashes; anything else must never reach a URL path. */
  private static final Pattern UUID_SEGMENT = Pattern.compile("[A-Za-z0-9-]{1,64}");

  /** A 429 without a usable Retry-After still deserves a pause. */
  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

  /**
   * The longest Retry-After believed: CSP's own limits reset within minutes, and an unbounded value
   * (a typo, a hostile proxy, Long.MAX_VALUE seconds) overflowed the callers' nanosecond clocks.
   */
  static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  /** Bounds a listing loop against a server that pages forever. */
  private static final int MAX_PAGES = 10_000;

  private final HttpClient http;
  private final CspSettings settings;
  private final ObjectMapper json = new ObjectMapper();
  private final Retry listRetry;

  public CspSandboxProvider(HttpClient http, CspSettings settings) {
    this.http = http;
    this.settings = settings;
    this.listRetry =
        Retry.of(
            "csp-list",
            RetryConfig.custom()
                // three tries spread over about 1.5 s: rides out a blip, gives up on an outage
                .maxAttempts(3)
                .intervalFunction(
                    IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(300), 2.0, 0.5))
                .retryExceptions(UpstreamUnavailableException.class)
                .build());
  }

  @Override
  public List<UpstreamSandbox> listSandboxes() {
    List<UpstreamSandbox> out = new ArrayList<>();
    Set<String> seenIds = new LinkedHashSet<>();
    String pageToken = null;
    int offset = 0;
    for (int page = 0; page < MAX_PAGES; page++) {
      StringBuilder url =
          new StringBuilder(
              settings.baseUrl() + "/current_user/accounts?_limit=" + settings.pageSize());
      if (pageToken != null) {
        url.append("&_page_token=").append(URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
      } else if (offset > 0) {
        url.append("&_offset=").append(offset);
      }
      URI uri = URI.create(url.toString());
      JsonNode body = Retry.decorateSupplier(listRetry, () -> getJson(uri)).get();
      JsonNode results = body.path("results");
      int added = 0;
      for (JsonNode a : results) {
        String externalId = a.path("id").asText("");
        if (!seenIds.add(externalId.isEmpty() ? a.toString() : externalId)) {
          continue;
        }
        added++;
        if (!"sandbox".equals(a.path("account_type").asText())
            || !"active".equals(a.path("state").asText())) {
          continue;
        }
        String sandboxId = a.hasNonNull("csp_id") ? a.get("csp_id").asText() : externalId;
        if (sandboxId.isEmpty()) {
          continue;
        }
        out.add(
            new UpstreamSandbox(
                sandboxId,
                a.path("name").asText(""),
                externalId,
                a.path("sfdc_account_id").asText("")));
      }
      String nextToken = firstText(body, "next_page_token", "page_token");
      if (added == 0) {
        break; // nothing new: the end, or a server that ignores paging parameters
      }
      if (nextToken != null && !nextToken.equals(pageToken)) {
        pageToken = nextToken;
      } else if (pageToken == null && results.size() >= settings.pageSize()) {
        offset += results.size();
      } else {
        break;
      }
    }
    return out;
  }

  @Override
  public void deleteSandbox(Sandbox sandbox) {
    String uuid = sandbox.upstreamUuid();
    if (!UUID_SEGMENT.matcher(uuid).matches()) {
      throw new UpstreamRejectedException("external_id has no valid account uuid");
    }
    HttpRequest request =
        base(URI.create(settings.baseUrl() + "/sandbox/accounts/" + uuid)).DELETE().build();
    HttpResponse<String> response = send(request);
    int status = response.statusCode();
    if (status == 200 || status == 204 || status == 404) {
      return; // 404: already gone, which is what we wanted
    }
    throw failure(response);
  }

  private JsonNode getJson(URI uri) {
    HttpResponse<String> response = send(base(uri).GET().build());
    if (response.statusCode() != 200) {
      throw failure(response);
    }
    try {
      return json.readTree(response.body());
    } catch (IOException e) {
      throw new UpstreamUnavailableException("CSP list: unreadable response");
    }
  }

  private HttpRequest.Builder base(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(settings.requestTimeout())
        .header("Authorization", "Token " + settings.apiToken())
        .header("Accept", "application/json");
  }

  /**
   * One request with a total deadline of {@code requestTimeout}, body included: the request's own
   * timeout ends when the response headers arrive, so a server that sends headers and then stalls
   * the body would otherwise hold the caller forever. On the deadline the exchange is cancelled.
   */
  private HttpResponse<String> send(HttpRequest request) {
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    try {
      return exchange.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new UpstreamUnavailableException("CSP " + request.method() + ": timeout");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw new UpstreamUnavailableException("CSP " + request.method() + ": timeout");
      }
      throw new UpstreamUnavailableException(
          "CSP "
              + request.method()
              + ": "
              + (cause == null ? "failed" : cause.getClass().getSimpleName()));
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new UpstreamUnavailableException("CSP " + request.method() + ": interrupted");
    }
  }

  private static RuntimeException failure(HttpResponse<String> response) {
    int status = response.statusCode();
    String what = "CSP " + response.request().method() + ": HTTP " + status;
    if (status == 429) {
      return new UpstreamRateLimitedException(retryAfter(response));
    }
    if (status >= 500 || status == 408) {
      return new UpstreamUnavailableException(what);
    }
    return new UpstreamRejectedException(what);
  }

  /**
   * {@code Retry-After} as seconds or an HTTP date (RFC 9110 §10.2.3), at most {@link
   * #MAX_RETRY_AFTER}.
   */
  static Duration retryAfter(HttpResponse<?> response) {
    Duration asked = parseRetryAfter(response);
    return asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
  }

  private static Duration parseRetryAfter(HttpResponse<?> response) {
    var header = response.headers().firstValue("Retry-After");
    if (header.isEmpty()) {
      return DEFAULT_RETRY_AFTER;
    }
    String v = header.get().trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException notSeconds) {
      try {
        var at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (RuntimeException notADate) {
        return DEFAULT_RETRY_AFTER;
      }
    }
  }

  private static String firstText(JsonNode body, String... fields) {
    for (String f : fields) {
      String v = body.path(f).asText("");
      if (!v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
