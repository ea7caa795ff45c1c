package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A lab track's calls over real HTTP ({@code java.net.http}, independent of the server's stack),
 * exactly as the deployed hooks send them: POST with no body, bearer token, identity header.
 */
final class TrackClient {
  /** Well above the service's claim budget (10 s), so a slow answer is measured, not cut off. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;
  private final String token;

  TrackClient(HttpClient http, URI base, String token) {
    this.http = http;
    this.base = base;
    this.token = token;
  }

  /** A fresh client: new connections, the way independent learners' hooks arrive. */
  static HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** One call's outcome; {@code status} 0 when the call failed on the client side. */
  record Reply(int status, JsonNode body, long nanos) {
    String text(String field) {
      return body.path(field).asText("");
    }

    /** Status plus the contract's error code, e.g. {@code 409 NO_SANDBOXES_AVAILABLE}. */
    String outcome() {
      String code = body.path("detail").path("code").asText("");
      return code.isEmpty() ? Integer.toString(status) : status + " " + code;
    }
  }

  Reply allocate(String identity) {
    return send(request("/v1/allocate", identity).POST(HttpRequest.BodyPublishers.noBody()));
  }

  Reply get(String sandboxId, String identity) {
    return send(request("/v1/sandboxes/" + sandboxId, identity).GET());
  }

  Reply markForDeletion(String sandboxId, String identity) {
    return send(
        request("/v1/sandboxes/" + sandboxId + "/mark-for-deletion", identity)
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  private HttpRequest.Builder request(String path, String identity) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("X-Instruqt-Sandbox-ID", identity);
  }

  private Reply send(HttpRequest.Builder request) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      long nanos = System.nanoTime() - start;
      JsonNode body =
          response.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(response.body());
      return new Reply(response.statusCode(), body, nanos);
    } catch (IOException e) {
      return new Reply(
          0, JSON.createObjectNode().put("error", e.toString()), System.nanoTime() - start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(
          0, JSON.createObjectNode().put("error", "interrupted"), System.nanoTime() - start);
    }
  }
}
