package com.sandboxbroker.core.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.TenantScopingContract;
import com.sandboxbroker.core.testing.LocalDynamo;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Tenant scoping on DynamoDB Local, plus the key layout an existing table depends on. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DynamoDbTenantScopingTest extends TenantScopingContract {
  private static LocalDynamo dynamo;
  private String table;

  @BeforeAll
  static void startDynamo() {
    dynamo = LocalDynamo.start();
  }

  @AfterAll
  static void stopDynamo() {
    dynamo.close();
  }

  @Override
  protected SandboxStore newStore() {
    table = LocalDynamo.newTable(dynamo.client());
    return new DynamoDbSandboxStore(dynamo.client(), table);
  }

  private Map<String, AttributeValue> item(String pk, String sk) {
    return dynamo
        .client()
        .getItem(
            b ->
                b.tableName(table)
                    .consistentRead(true)
                    .key(Map.of("PK", AttributeValue.fromS(pk), "SK", AttributeValue.fromS(sk))))
        .item();
  }

  @Test
  void defaultTenantLeasesKeepTheirEarlierKeyOthersAreQualified() {
    Sandbox a = store.findSandbox("t1").orElseThrow();
    Sandbox b = store.findSandbox("t2").orElseThrow();
    long now = System.currentTimeMillis() / 1000;
    store.putLease(
        Lease.builder()
            .identity("x#y")
            .idempotencyKey("k")
            .leaseId("L1")
            .sandboxId(a.sandboxId())
            .name(a.name())
            .allocatedAt(now)
            .expiresAt(now + 60)
            .build(),
        now);
    store.putLease(
        Lease.builder()
            .tenant("x")
            .identity("y")
            .idempotencyKey("k")
            .leaseId("L2")
            .sandboxId(b.sandboxId())
            .name(b.name())
            .allocatedAt(now)
            .expiresAt(now + 60)
            .build(),
        now);
    assertThat(item(TableContract.LEASE_PK_PREFIX + "x#y", "SLOT#0"))
        .containsEntry("tenant", AttributeValue.fromS("default"));
    assertThat(item("TEN#x#IDN#y", "SLOT#0")).containsEntry("tenant", AttributeValue.fromS("x"));
    // an identity that looks like a qualified key stays the default tenant's own
    assertThat(store.findLease("x#y", 0).orElseThrow().leaseId()).isEqualTo("L1");
    assertThat(store.findLease("x", "y", 0).orElseThrow().leaseId()).isEqualTo("L2");
  }

  @Test
  void anUnownedSandboxItemHasNoTenantAndAClaimStampsIt() {
    assertThat(item("SBX#t3", "META")).doesNotContainKey("tenant");
    Sandbox s = store.findSandbox("t3").orElseThrow();
    long now = System.currentTimeMillis() / 1000;
    Lease lease =
        Lease.builder()
            .tenant("acme")
            .identity("i")
            .idempotencyKey("k")
            .leaseId("L3")
            .sandboxId(s.sandboxId())
            .name(s.name())
            .allocatedAt(now)
            .expiresAt(now + 60)
            .build();
    assertThat(store.claim(lease).applied()).isTrue();
    assertThat(item("SBX#t3", "META")).containsEntry("tenant", AttributeValue.fromS("acme"));
    assertThat(store.findSandbox("t3").orElseThrow().status()).isEqualTo(SandboxStatus.ALLOCATED);
    assertThat(new UpstreamSandbox("z", "z", "z", "").sandboxId()).isEqualTo("z");
  }
}
