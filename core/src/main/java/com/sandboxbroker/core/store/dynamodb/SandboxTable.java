package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX_PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX_PROJECTED;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX_SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX_PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX_SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.TTL_ATTRIBUTE;

import com.sandboxbroker.core.contract.TableContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/**
 * Provisioning of the broker's table as {@link TableContract} lays it out (the CDK table has the
 * same; a cdk-app test compares the two): what local mode and tests create. Not part of the store
 * port: deployed, CDK owns the table and nothing here runs.
 */
public final class SandboxTable {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxTable.class);

  private final DynamoDbClient dynamo;
  private final String tableName;

  public SandboxTable(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  /** Creates the table and its indexes when missing; no-op when present. */
  public void createIfMissing() {
    try {
      dynamo.describeTable(DescribeTableRequest.builder().tableName(tableName).build());
      return;
    } catch (ResourceNotFoundException e) {
      LOG.info("Table {} not found; creating it", tableName);
    }
    dynamo.createTable(
        CreateTableRequest.builder()
            .tableName(tableName)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(
                attr(PARTITION_KEY, ScalarAttributeType.S),
                attr(SORT_KEY, ScalarAttributeType.S),
                attr(STATUS_INDEX_PARTITION_KEY, ScalarAttributeType.S),
                attr(STATUS_INDEX_SORT_KEY, ScalarAttributeType.N),
                attr(POOL_INDEX_PARTITION_KEY, ScalarAttributeType.S))
            .keySchema(key(PARTITION_KEY, KeyType.HASH), key(SORT_KEY, KeyType.RANGE))
            // the change stream is the events' outbox (contract §8), as on the deployed table: a
            // created table has the CDK table's layout whatever the mode. Deployed, nothing here
            // runs (createTable is off and CDK owns the table and its stream); locally the feed
            // reads it. A stream costs nothing until read and keeps 24 h of changes.
            .streamSpecification(
                StreamSpecification.builder()
                    .streamEnabled(true)
                    .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                    .build())
            .globalSecondaryIndexes(
                GlobalSecondaryIndex.builder()
                    .indexName(STATUS_INDEX)
                    .keySchema(
                        key(STATUS_INDEX_PARTITION_KEY, KeyType.HASH),
                        key(STATUS_INDEX_SORT_KEY, KeyType.RANGE))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                    .build(),
                poolIndex())
            .build());
    dynamo.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    try {
      dynamo.updateTimeToLive(
          b ->
              b.tableName(tableName)
                  .timeToLiveSpecification(
                      TimeToLiveSpecification.builder()
                          .attributeName(TTL_ATTRIBUTE)
                          .enabled(true)
                          .build()));
    } catch (DynamoDbException e) {
      // DynamoDB Local may not implement TTL; records then simply stay until purged.
      LOG.info("TTL not enabled on {}: {}", tableName, e.awsErrorDetails().errorCode());
    }
  }

  /** {@code PoolIndex} as {@link TableContract} lays it out (the CDK table has the same). */
  static GlobalSecondaryIndex poolIndex() {
    return GlobalSecondaryIndex.builder()
        .indexName(POOL_INDEX)
        .keySchema(
            key(POOL_INDEX_PARTITION_KEY, KeyType.HASH), key(POOL_INDEX_SORT_KEY, KeyType.RANGE))
        .projection(
            Projection.builder()
                .projectionType(ProjectionType.INCLUDE)
                .nonKeyAttributes(POOL_INDEX_PROJECTED)
                .build())
        .build();
  }

  private static AttributeDefinition attr(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
