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
        new Lease("x#y", 0, "k", "L1", a.sandboxId(), a.name(), "", "", "", "", now, now + 60, 0),
        now);
    store.putLease(
        new Lease(
            "y", 0, "k", "L2", b.sandboxId(), b.name(), "", "", "", "", now, now + 60, 0, "x"),
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
        new Lease(
            "i", 0, "k", "L3", s.sandboxId(), s.name(), "", "", "", "", now, now + 60, 0, "acme");
    assertThat(store.claim(lease).applied()).isTrue();
    assertThat(item("SBX#t3", "META")).containsEntry("tenant", AttributeValue.fromS("acme"));
    assertThat(store.findSandbox("t3").orElseThrow().status()).isEqualTo(SandboxStatus.ALLOCATED);
    assertThat(new UpstreamSandbox("z", "z", "z", "").sandboxId()).isEqualTo("z");
  }
}
