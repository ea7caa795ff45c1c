package com.sandboxbroker.service.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.testing.TestBroker;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;

/** Track and token calls over HTTP for the tenant tests. */
final class TokenApi {
  static final ObjectMapper JSON = new ObjectMapper();

  private final TestBroker broker;

  TokenApi(TestBroker broker) {
    this.broker = broker;
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  HttpResponse<String> issueRaw(String body) {
    return broker.send(
        broker
            .request("/v1/admin/tokens", TestBroker.ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(body))
            .build());
  }

  /** Issues a token; returns the 201 body (with the secret in {@code token}). */
  JsonNode issue(String body) {
    HttpResponse<String> r = issueRaw(body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r);
  }

  HttpResponse<String> revoke(String tokenId) {
    return broker.call("DELETE", "/v1/admin/tokens/" + tokenId, TestBroker.ADMIN_TOKEN);
  }

  HttpResponse<String> list() {
    return broker.get("/v1/admin/tokens", TestBroker.ADMIN_TOKEN);
  }

  HttpResponse<String> allocate(String token, String identity) {
    return broker.send(
        broker
            .request("/v1/allocate", token)
            .header("X-Instruqt-Sandbox-ID", identity)
            .POST(BodyPublishers.noBody())
            .build());
  }

  HttpResponse<String> view(String token, String identity, String sandboxId) {
    return broker.send(
        broker
            .request("/v1/sandboxes/" + sandboxId, token)
            .header("X-Instruqt-Sandbox-ID", identity)
            .GET()
            .build());
  }

  HttpResponse<String> mark(String token, String identity, String sandboxId) {
    return broker.send(
        broker
            .request("/v1/sandboxes/" + sandboxId + "/mark-for-deletion", token)
            .header("X-Instruqt-Sandbox-ID", identity)
            .POST(BodyPublishers.noBody())
            .build());
  }

  /** {@code POST /v1/sandboxes/{id}/extend} with {@code body} (null: no body). */
  HttpResponse<String> extend(String token, String identity, String sandboxId, String body) {
    HttpRequest.Builder b =
        broker
            .request("/v1/sandboxes/" + sandboxId + "/extend", token)
            .header("X-Instruqt-Sandbox-ID", identity);
    return broker.send(
        (body == null
                ? b.POST(BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").POST(BodyPublishers.ofString(body)))
            .build());
  }

  /** Asserts the contract's error shape; returns the detail. */
  static JsonNode error(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode detail = json(r).get("detail");
    assertThat(detail.get("code").asText()).as(r.body()).isEqualTo(code);
    assertThat(detail.get("request_id").asText())
        .isEqualTo(r.headers().firstValue("X-Request-ID").orElseThrow());
    return detail;
  }

  static HttpRequest.BodyPublisher none() {
    return BodyPublishers.noBody();
  }
}
