package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.s;

import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.store.LeasePutResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The lease side of the table: an identity's slots and its idempotency keys in flight, in the
 * identity's lease partition. Never a sandbox item: those change only through {@link
 * SandboxUpdate}.
 */
final class Leases {
  /** Leases outlive their allocation a little so a late replay still finds and explains them. */
  private static final Duration LEASE_TTL_MARGIN = Duration.ofDays(7);

  private final DynamoDbClient dynamo;
  private final String tableName;

  Leases(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  LeasePutResult put(Lease lease, long now) {
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(Items.toItem(lease, ttlOf(lease.expiresAt())))
                  .conditionExpression("attribute_not_exists(#pk) OR #exp <= :now")
                  .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#exp", Items.EXPIRES_AT))
                  .expressionAttributeValues(Map.of(":now", n(now)))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return LeasePutResult.success();
    } catch (ConditionalCheckFailedException e) {
      if (e.hasItem() && !e.item().isEmpty()) {
        return LeasePutResult.occupiedBy(Items.toLease(e.item()));
      }
      // Older emulators do not return the old item; read it (strongly consistent) instead.
      return find(lease.tenant(), lease.identity(), lease.slot())
          .map(LeasePutResult::occupiedBy)
          .orElseGet(() -> put(lease, now));
    }
  }

  boolean markKeyInFlight(
      String tenant,
      String identity,
      String idempotencyKey,
      String holder,
      long nowMillis,
      long untilMillis) {
    Map<String, AttributeValue> item =
        new HashMap<>(Items.keyInFlightKey(tenant, identity, idempotencyKey));
    item.put(Items.ITEM_TYPE, s(Items.TYPE_KEY_IN_FLIGHT));
    item.put(TableContract.SCHEMA_VERSION_ATTRIBUTE, n(TableContract.SCHEMA_VERSION));
    item.put(Items.HOLDER, s(holder));
    item.put(Items.UNTIL_MS, n(untilMillis));
    // DynamoDB's TTL reaper removes one its holder never cleared (a crash), long after it lapsed
    item.put(TableContract.TTL_ATTRIBUTE, n(ttlOf(untilMillis / 1000)));
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(item)
                  .conditionExpression(
                      "attribute_not_exists(#pk) OR #until < :now OR #holder = :holder")
                  .expressionAttributeNames(
                      Map.of(
                          "#pk", PARTITION_KEY, "#until", Items.UNTIL_MS, "#holder", Items.HOLDER))
                  .expressionAttributeValues(Map.of(":now", n(nowMillis), ":holder", s(holder))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  void clearKeyInFlight(String tenant, String identity, String idempotencyKey, String holder) {
    try {
      dynamo.deleteItem(
          b ->
              b.tableName(tableName)
                  .key(Items.keyInFlightKey(tenant, identity, idempotencyKey))
                  .conditionExpression("#holder = :holder")
                  .expressionAttributeNames(Map.of("#holder", Items.HOLDER))
                  .expressionAttributeValues(Map.of(":holder", s(holder))));
    } catch (ConditionalCheckFailedException e) {
      // lapsed and taken by another request of the key, or already cleared: not ours to remove
    }
  }

  Optional<Lease> find(String tenant, String identity, int slot) {
    var item =
        dynamo
            .getItem(
                b ->
                    b.tableName(tableName)
                        .key(Items.leaseKey(tenant, identity, slot))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.toLease(item));
  }

  boolean replace(Lease current, Lease next) {
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(Items.toItem(next, ttlOf(next.expiresAt())))
                  .conditionExpression("#lease = :lease AND #sbx = :sbx")
                  .expressionAttributeNames(
                      Map.of("#lease", Items.LEASE_ID, "#sbx", Items.SANDBOX_ID))
                  .expressionAttributeValues(
                      Map.of(":lease", s(current.leaseId()), ":sbx", s(current.sandboxId()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * The lease write of an extension, for the transaction that moves the sandbox with it: the lease
   * that claimed {@code sandbox}, if one still names it, to {@code newExpiresAt}.
   */
  Optional<TransactWriteItem> extension(Sandbox sandbox, long newExpiresAt) {
    return keyOfLeaseFor(sandbox)
        .map(
            leaseKey ->
                TransactWriteItem.builder()
                    .update(
                        Update.builder()
                            .tableName(tableName)
                            .key(leaseKey)
                            .updateExpression("SET #exp = :new, #ttl = :ttl")
                            .conditionExpression("#lease = :lease AND #sbx = :sbx")
                            .expressionAttributeNames(
                                Map.of(
                                    "#exp", Items.EXPIRES_AT,
                                    "#ttl", TableContract.TTL_ATTRIBUTE,
                                    "#lease", Items.LEASE_ID,
                                    "#sbx", Items.SANDBOX_ID))
                            .expressionAttributeValues(
                                Map.of(
                                    ":new", n(newExpiresAt),
                                    ":ttl", n(ttlOf(newExpiresAt)),
                                    ":lease", s(sandbox.leaseId()),
                                    ":sbx", s(sandbox.sandboxId())))
                            .build())
                    .build());
  }

  /**
   * The key of the lease that claimed {@code sandbox}: its owner's lease partition, read to the end
   * (a handful of slots) with a consistent read; empty when no lease names it any more.
   */
  private Optional<Map<String, AttributeValue>> keyOfLeaseFor(Sandbox sandbox) {
    AttributeValue partition =
        Items.leaseKey(sandbox.tenant(), sandbox.allocatedTo(), 0).get(PARTITION_KEY);
    QueryRequest request =
        QueryRequest.builder()
            .tableName(tableName)
            .keyConditionExpression("#pk = :pk")
            .filterExpression("#lease = :lease AND #sbx = :sbx")
            .expressionAttributeNames(
                Map.of("#pk", PARTITION_KEY, "#lease", Items.LEASE_ID, "#sbx", Items.SANDBOX_ID))
            .expressionAttributeValues(
                Map.of(
                    ":pk", partition,
                    ":lease", s(sandbox.leaseId()),
                    ":sbx", s(sandbox.sandboxId())))
            .consistentRead(true)
            .build();
    return dynamo.queryPaginator(request).items().stream()
        .findFirst()
        .map(item -> Map.of(PARTITION_KEY, item.get(PARTITION_KEY), SORT_KEY, item.get(SORT_KEY)));
  }

  private static long ttlOf(long epochSeconds) {
    return epochSeconds + LEASE_TTL_MARGIN.toSeconds();
  }
}
