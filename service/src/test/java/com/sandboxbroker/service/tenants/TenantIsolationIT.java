package com.sandboxbroker.service.tenants;

import static com.sandboxbroker.service.tenants.TokenApi.error;
import static com.sandboxbroker.service.tenants.TokenApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.service.testing.TestBroker;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Contract §6 over HTTP on DynamoDB Local: tokens issued at run time, each of a tenant; the same
 * identity under two tenants is two learners, and no request of one tenant ever reaches another's
 * sandbox.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TenantIsolationIT {
  private static TestBroker broker;
  private static TokenApi api;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    broker.seed("lab-adventure-", 12);
    broker.seed("lab-general-", 12);
    api = new TokenApi(broker);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void aTokenOfAnotherTenantNeverReachesTheSandbox() {
    JsonNode a =
        api.issue(
            "{\"tenant\":\"adventure\",\"name\":\"adventure-a\",\"allowed_prefixes\":[\"lab-adventure-\"],\"lab\":\"adventure\"}");
    JsonNode b =
        api.issue(
            "{\"tenant\":\"other\",\"name\":\"other-b\",\"allowed_prefixes\":[\"lab-general-\"]}");
    String tokenA = a.get("token").asText();
    String tokenB = b.get("token").asText();

    HttpResponse<String> allocA = api.allocate(tokenA, "shared");
    HttpResponse<String> allocB = api.allocate(tokenB, "shared");
    assertThat(allocA.statusCode()).as(allocA.body()).isEqualTo(201);
    assertThat(allocB.statusCode()).as(allocB.body()).isEqualTo(201);
    String sandboxA = json(allocA).get("sandbox_id").asText();
    String sandboxB = json(allocB).get("sandbox_id").asText();
    assertThat(sandboxA).isNotEqualTo(sandboxB);
    assertThat(json(allocA).get("name").asText()).startsWith("lab-adventure-");

    // B's GET, mark-for-deletion and replay never reach A's sandbox
    error(api.view(tokenB, "shared", sandboxA), 404, "SANDBOX_NOT_FOUND");
    error(api.mark(tokenB, "shared", sandboxA), 404, "SANDBOX_NOT_FOUND");
    HttpResponse<String> replayB = api.allocate(tokenB, "shared");
    assertThat(replayB.statusCode()).isEqualTo(200);
    assertThat(replayB.body()).isEqualTo(allocB.body());
    Sandbox stillA = broker.store().findSandbox(sandboxA).orElseThrow();
    assertThat(stillA.status()).isEqualTo(SandboxStatus.ALLOCATED);
    assertThat(stillA.tenant()).isEqualTo("adventure");
    assertThat(stillA.allocatedTo()).isEqualTo("shared");
    assertThat(stillA.trackName()).isEqualTo("adventure");

    // A's replay still returns A's
    HttpResponse<String> replayA = api.allocate(tokenA, "shared");
    assertThat(replayA.statusCode()).isEqualTo(200);
    assertThat(replayA.body()).isEqualTo(allocA.body());
    assertThat(json(api.view(tokenA, "shared", sandboxA)).get("status").asText())
        .isEqualTo("allocated");

    // the compat token (tenant default) is a third learner and sees neither
    HttpResponse<String> allocDefault = api.allocate(TestBroker.TRACK_TOKEN, "shared");
    assertThat(allocDefault.statusCode()).isEqualTo(201);
    assertThat(Set.of(sandboxA, sandboxB, json(allocDefault).get("sandbox_id").asText()))
        .hasSize(3);
    error(api.view(TestBroker.TRACK_TOKEN, "shared", sandboxA), 404, "SANDBOX_NOT_FOUND");
    error(api.mark(TestBroker.TRACK_TOKEN, "shared", sandboxB), 404, "SANDBOX_NOT_FOUND");
    error(
        api.view(tokenA, "shared", json(allocDefault).get("sandbox_id").asText()),
        404,
        "SANDBOX_NOT_FOUND");

    // within a tenant, another identity's sandbox stays 403
    error(api.view(tokenA, "someone-else", sandboxA), 403, "NOT_SANDBOX_OWNER");

    assertThat(json(api.mark(tokenA, "shared", sandboxA)).get("status").asText())
        .isEqualTo("pending_deletion");
    assertThat(broker.store().findSandbox(sandboxB).orElseThrow().status())
        .isEqualTo(SandboxStatus.ALLOCATED);
  }

  /**
   * Contract §6/§7: a token of another tenant extending a sandbox gets 404 SANDBOX_NOT_FOUND (not
   * 403: existence is not revealed across tenants), whether it sends the owner's identity value or
   * another one, and the lease clock of the owner's sandbox and lease record does not move; within
   * the tenant, another identity stays 403 and the owner's extension works.
   */
  @Test
  void aTokenOfAnotherTenantCannotExtendTheSandbox() {
    String tokenA =
        api.issue("{\"tenant\":\"ext-owner-tenant\",\"allowed_prefixes\":[\"lab-adventure-\"]}")
            .get("token")
            .asText();
    String tokenB = api.issue("{\"tenant\":\"ext-other-tenant\"}").get("token").asText();
    HttpResponse<String> alloc = api.allocate(tokenA, "ext-shared");
    assertThat(alloc.statusCode()).as(alloc.body()).isEqualTo(201);
    String sandboxA = json(alloc).get("sandbox_id").asText();
    long expiresAt = json(alloc).get("expires_at").asLong();

    for (String body : new String[] {null, "{\"hours\": 72}"}) {
      error(api.extend(tokenB, "ext-shared", sandboxA, body), 404, "SANDBOX_NOT_FOUND");
      error(api.extend(tokenB, "someone-else", sandboxA, body), 404, "SANDBOX_NOT_FOUND");
      error(
          api.extend(TestBroker.TRACK_TOKEN, "ext-shared", sandboxA, body),
          404,
          "SANDBOX_NOT_FOUND");
    }
    // the 404 says nothing about the sandbox or its owner
    HttpResponse<String> refused = api.extend(tokenB, "ext-shared", sandboxA, "{\"hours\": 72}");
    assertThat(refused.body())
        .doesNotContain("ext-owner-tenant")
        .doesNotContain(json(alloc).get("name").asText());
    Sandbox untouched = broker.store().findSandbox(sandboxA).orElseThrow();
    assertThat(untouched.expiresAt()).isEqualTo(expiresAt);
    assertThat(untouched.status()).isEqualTo(SandboxStatus.ALLOCATED);
    assertThat(json(api.allocate(tokenA, "ext-shared")).get("expires_at").asLong())
        .as("the lease record's clock")
        .isEqualTo(expiresAt);

    error(api.extend(tokenA, "someone-else", sandboxA, null), 403, "NOT_SANDBOX_OWNER");
    HttpResponse<String> own = api.extend(tokenA, "ext-shared", sandboxA, "{\"hours\": 72}");
    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    assertThat(json(own).get("expires_at").asLong()).isGreaterThan(expiresAt);
  }

  @Test
  void twoTokensOfOneTenantShareItsNamespace() {
    JsonNode first = api.issue("{\"tenant\":\"rotating\",\"name\":\"rotating-old\"}");
    HttpResponse<String> alloc = api.allocate(first.get("token").asText(), "r-1");
    assertThat(alloc.statusCode()).isEqualTo(201);
    String id = json(alloc).get("sandbox_id").asText();

    JsonNode second = api.issue("{\"tenant\":\"rotating\",\"name\":\"rotating-new\"}");
    String newToken = second.get("token").asText();
    HttpResponse<String> replay = api.allocate(newToken, "r-1");
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.body()).isEqualTo(alloc.body());
    assertThat(api.revoke(first.get("token_id").asText()).statusCode()).isEqualTo(200);
    assertThat(json(api.view(newToken, "r-1", id)).get("allocated_to_track").asText())
        .isEqualTo("r-1");
    assertThat(json(api.mark(newToken, "r-1", id)).get("status").asText())
        .isEqualTo("pending_deletion");
  }

  @Test
  void aTokensOwnCapAndLeaseApply() {
    JsonNode two =
        api.issue(
            "{\"tenant\":\"capped\",\"identity_cap\":2,\"lease_hours\":8,\"max_lease_hours\":24}");
    assertThat(two.get("identity_cap").asInt()).isEqualTo(2);
    assertThat(two.get("max_lease_hours").asInt()).isEqualTo(24);
    String token = two.get("token").asText();
    HttpResponse<String> first =
        broker.send(
            broker
                .request("/v1/allocate", token)
                .header("X-Instruqt-Sandbox-ID", "c-1")
                .header("Idempotency-Key", "k1")
                .POST(TokenApi.none())
                .build());
    HttpResponse<String> second =
        broker.send(
            broker
                .request("/v1/allocate", token)
                .header("X-Instruqt-Sandbox-ID", "c-1")
                .header("Idempotency-Key", "k2")
                .POST(TokenApi.none())
                .build());
    HttpResponse<String> third =
        broker.send(
            broker
                .request("/v1/allocate", token)
                .header("X-Instruqt-Sandbox-ID", "c-1")
                .header("Idempotency-Key", "k3")
                .POST(TokenApi.none())
                .build());
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(201);
    error(third, 409, "IDENTITY_LIMIT_REACHED");
    assertThat(json(first).get("expires_at").asLong() - json(first).get("allocated_at").asLong())
        .isEqualTo(8 * 3600);
  }

  /**
   * Migration: a lease and a sandbox written before tenants existed (no tenant attribute, the lease
   * at {@code IDN#<identity>}) and an earlier broker's allocation (no lease at all) stay their
   * owners' under the compat token until they end, and stay hidden from other tenants.
   */
  @Test
  void allocationsWrittenBeforeTenantsAreHonoured() {
    long now = System.currentTimeMillis() / 1000;
    Map<String, AttributeValue> sandbox = oldSandbox("pre-1", "old-learner", "L-old", now);
    Map<String, AttributeValue> lease = new HashMap<>();
    lease.put("PK", s("IDN#old-learner"));
    lease.put("SK", s("SLOT#0"));
    lease.put("item_type", s("lease"));
    lease.put("schema_version", n(1));
    lease.put("identity", s("old-learner"));
    lease.put("slot", n(0));
    lease.put("idempotency_key", s("old-learner"));
    lease.put("lease_id", s("L-old"));
    lease.put("sandbox_id", s("pre-1"));
    lease.put("name", s("lab-general-pre-1"));
    lease.put("external_id", s("identity/accounts/pre-1"));
    lease.put("sfdc_account_id", s(""));
    lease.put("track_name", s(""));
    lease.put("name_prefix", s(""));
    lease.put("allocated_at", n(now - 60));
    lease.put("expires_at", n(now + 3600));
    lease.put("created_at_ms", n((now - 60) * 1000));
    put(sandbox);
    put(lease);
    put(oldSandbox("py-1", "python-learner", "", now)); // the earlier broker wrote no lease

    HttpResponse<String> replay = api.allocate(TestBroker.TRACK_TOKEN, "old-learner");
    assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
    assertThat(json(replay).get("sandbox_id").asText()).isEqualTo("pre-1");
    assertThat(json(replay).get("expires_at").asLong()).isEqualTo(now + 3600);

    String other = api.issue("{\"tenant\":\"newcomer\"}").get("token").asText();
    error(api.view(other, "old-learner", "pre-1"), 404, "SANDBOX_NOT_FOUND");
    error(api.mark(other, "python-learner", "py-1"), 404, "SANDBOX_NOT_FOUND");
    assertThat(api.allocate(other, "old-learner").statusCode()).isEqualTo(201); // its own learner

    assertThat(
            json(api.view(TestBroker.TRACK_TOKEN, "python-learner", "py-1")).get("status").asText())
        .isEqualTo("allocated");
    assertThat(
            json(api.mark(TestBroker.TRACK_TOKEN, "python-learner", "py-1")).get("status").asText())
        .isEqualTo("pending_deletion");
    assertThat(
            json(api.mark(TestBroker.TRACK_TOKEN, "old-learner", "pre-1")).get("status").asText())
        .isEqualTo("pending_deletion");
  }

  private static Map<String, AttributeValue> oldSandbox(
      String id, String owner, String leaseId, long now) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("PK", s("SBX#" + id));
    item.put("SK", s("META"));
    item.put("sandbox_id", s(id));
    item.put("name", s("lab-general-" + id));
    item.put("external_id", s("identity/accounts/" + id));
    item.put("sfdc_account_id", s(""));
    item.put("status", s("allocated"));
    item.put("allocated_to_track", s(owner));
    item.put("track_name", s(""));
    if (!leaseId.isEmpty()) {
      item.put("lease_id", s(leaseId));
    }
    item.put("allocated_at", n(now - 60));
    item.put("expires_at", n(now + 3600));
    return item;
  }

  private static void put(Map<String, AttributeValue> item) {
    broker.dynamo().client().putItem(b -> b.tableName(broker.tableName()).item(item));
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  private static AttributeValue n(long v) {
    return AttributeValue.fromN(Long.toString(v));
  }
}
