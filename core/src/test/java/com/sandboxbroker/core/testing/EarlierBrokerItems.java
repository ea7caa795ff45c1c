package com.sandboxbroker.core.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Items exactly as the earlier broker wrote them (none of this broker's bookkeeping: no lease id,
 * no version, maybe no {@code expires_at}), put straight into a table: the expiry lease tests of
 * core, the jobs-runner and the service all start from them.
 */
public final class EarlierBrokerItems {
  private EarlierBrokerItems() {}

  /** An allocation of {@code lab} made at {@code allocatedAt}, with no {@code expires_at}. */
  public static void putAllocation(
      DynamoDbClient client, String table, String id, String lab, long allocatedAt) {
    putAllocation(client, table, id, lab, allocatedAt, Optional.empty());
  }

  /** An allocation of {@code lab} made at {@code allocatedAt}, ending at {@code expiresAt}. */
  public static void putAllocation(
      DynamoDbClient client,
      String table,
      String id,
      String lab,
      long allocatedAt,
      Optional<Long> expiresAt) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("PK", AttributeValue.fromS("SBX#" + id));
    item.put("SK", AttributeValue.fromS("META"));
    item.put("sandbox_id", AttributeValue.fromS(id));
    item.put("name", AttributeValue.fromS("lab-" + id));
    item.put("external_id", AttributeValue.fromS("identity/accounts/" + id));
    item.put("status", AttributeValue.fromS("allocated"));
    item.put("allocated_to_track", AttributeValue.fromS("learner-" + id));
    item.put("track_name", AttributeValue.fromS(lab));
    item.put("allocated_at", AttributeValue.fromN(Long.toString(allocatedAt)));
    expiresAt.ifPresent(at -> item.put("expires_at", AttributeValue.fromN(Long.toString(at))));
    client.putItem(b -> b.tableName(table).item(item));
  }
}
