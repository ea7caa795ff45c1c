package com.sandboxbroker.core.provider.niosxaas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sandboxbroker.core.provider.PreDeleteHook;
import com.sandboxbroker.core.provider.PreDeleteOutcome;
import com.sandboxbroker.core.sandbox.Sandbox;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Deletes the NIOSXaaS universal services a lab created inside a sandbox account before the account
 * is deleted, or they are orphaned upstream. Signs in with the service account once and reuses the
 * session (the earlier broker signed in per sandbox), switches into the sandbox account, deletes
 * the services with the configured name. In shadow mode it only counts. It never throws: a failure
 * is an outcome, recorded on the sandbox, and the deletion goes ahead.
 */
public final class NiosXaasCleanupHook implements PreDeleteHook {
  private static final Pattern UUID_SEGMENT = Pattern.compile("[A-Za-z0-9-]{1,64}");

  private final HttpClient http;
  private final NiosXaasSettings settings;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  private String sessionJwt;
  private Instant sessionValidUntil = Instant.MIN;

  public NiosXaasCleanupHook(HttpClient http, NiosXaasSettings settings, Clock clock) {
    this.http = http;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public PreDeleteOutcome beforeDelete(Sandbox sandbox) {
    try {
      String scoped = switchInto(sandbox.externalId());
      List<String> doomed = new ArrayList<>();
      JsonNode services =
          call("GET", "/api/universalinfra/v1/universalservices", scoped, null, "list");
      for (JsonNode s : services.path("results")) {
        if (settings.serviceName().isEmpty()
            || settings.serviceName().equals(s.path("name").asText())) {
          String id = s.path("id").asText("");
          doomed.add(id.substring(id.lastIndexOf('/') + 1));
        }
      }
      if (settings.shadowMode()) {
        return PreDeleteOutcome.shadow(doomed.size());
      }
      for (String uuid : doomed) {
        if (!UUID_SEGMENT.matcher(uuid).matches()) {
          return PreDeleteOutcome.failed("invalid service id");
        }
        call("DELETE", "/api/universalinfra/v1/universalservices/" + uuid, scoped, null, "delete");
      }
      return PreDeleteOutcome.cleaned(doomed.size());
    } catch (StepFailed e) {
      return PreDeleteOutcome.failed(e.getMessage());
    } catch (RuntimeException e) {
      return PreDeleteOutcome.failed(e.getClass().getSimpleName());
    }
  }

  /** The sandbox-scoped token; signs in again once if the reused session was rejected. */
  private String switchInto(String externalId) {
    ObjectNode body = json.createObjectNode().put("id", externalId);
    try {
      return call("POST", "/v2/session/account_switch", session(false), body, "account_switch")
          .path("jwt")
          .asText();
    } catch (StepFailed e) {
      if (e.status != 401) {
        throw e;
      }
      return call("POST", "/v2/session/account_switch", session(true), body, "account_switch")
          .path("jwt")
          .asText();
    }
  }

  private synchronized String session(boolean renew) {
    if (!renew && sessionJwt != null && clock.instant().isBefore(sessionValidUntil)) {
      return sessionJwt;
    }
    ObjectNode credentials =
        json.createObjectNode().put("email", settings.email()).put("password", settings.password());
    String jwt =
        call("POST", "/v2/session/users/sign_in", null, credentials, "sign_in")
            .path("jwt")
            .asText("");
    if (jwt.isEmpty()) {
      throw new StepFailed("sign_in: no token", 0);
    }
    sessionJwt = jwt;
    sessionValidUntil = expiryOf(jwt);
    return jwt;
  }

  /** The token's own {@code exp} less a minute of slack, else the configured lifetime. */
  private Instant expiryOf(String jwt) {
    Instant fallback = clock.instant().plus(settings.sessionLifetime());
    String[] parts = jwt.split("\\.");
    if (parts.length < 2) {
      return fallback;
    }
    try {
      JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
      return claims.has("exp")
          ? Instant.ofEpochSecond(claims.get("exp").asLong()).minusSeconds(60)
          : fallback;
    } catch (IOException | IllegalArgumentException e) {
      return fallback;
    }
  }

  private JsonNode call(String method, String path, String bearer, JsonNode body, String step) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(settings.baseUrl() + path))
            .timeout(settings.requestTimeout())
            .header("Accept", "application/json");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(
              method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    // a total deadline, body included (the request timeout ends at the response headers)
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    try {
      response = exchange.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new StepFailed(step + ": timeout", 0);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new StepFailed(
          step + ": " + (cause == null ? "failed" : cause.getClass().getSimpleName()), 0);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new StepFailed(step + ": interrupted", 0);
    }
    int status = response.statusCode();
    if ("DELETE".equals(method) && status == 404) {
      return json.createObjectNode(); // already gone
    }
    if (status < 200 || status >= 300) {
      // status only: bodies of auth endpoints may echo what was sent
      throw new StepFailed(step + ": HTTP " + status, status);
    }
    try {
      String text = response.body();
      return text == null || text.isBlank() ? json.createObjectNode() : json.readTree(text);
    } catch (IOException e) {
      throw new StepFailed(step + ": unreadable response", status);
    }
  }

  /** A failed step, with a secret-free message. */
  private static final class StepFailed extends RuntimeException {
    final int status;

    StepFailed(String message, int status) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
