package com.sandboxbroker.core.architecture;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A sandbox write that bypasses the update builder (no version bump, no event marker): what {@link
 * ArchitectureTest}'s rule exists to catch. Only imported by that test, never run.
 */
final class RogueSandboxWriter {
  private RogueSandboxWriter() {}

  static void release(DynamoDbClient dynamo, String table, String sandboxId) {
    dynamo.updateItem(
        b ->
            b.tableName(table)
                .key(
                    Map.of(
                        "PK", AttributeValue.fromS("SANDBOX#" + sandboxId),
                        "SK", AttributeValue.fromS("SANDBOX")))
                .updateExpression("SET #status = :pending")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(
                    Map.of(":pending", AttributeValue.fromS("pending_deletion"))));
  }
}
