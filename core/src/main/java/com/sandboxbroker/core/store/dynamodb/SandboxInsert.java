package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.s;

import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.contract.EventContract.EventType;
import com.sandboxbroker.core.sandbox.Sandbox;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The one path that puts a new sandbox item (sync adding an account): a whole item, written only
 * where none exists, stamped as the {@code sandbox_added} event. Every later change of the item
 * goes through {@link SandboxUpdate}.
 */
final class SandboxInsert {
  private final DynamoDbClient dynamo;
  private final String tableName;

  SandboxInsert(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  /**
   * Writes {@code sandbox} with its pool attributes unless an item with its id exists; returns
   * whether it wrote.
   */
  boolean insert(Sandbox sandbox, Map<String, AttributeValue> poolAttributes) {
    Map<String, AttributeValue> item = new HashMap<>(Items.toItem(sandbox));
    item.putAll(poolAttributes);
    item.put(EventContract.LIFECYCLE_EVENT_ATTRIBUTE, s(EventType.SANDBOX_ADDED.wireName()));
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#pk)")
                  .expressionAttributeNames(Map.of("#pk", PARTITION_KEY)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }
}
