package com.sandboxbroker.cdk;

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

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/**
 * The broker's single table, laid out by core's {@link
 * com.sandboxbroker.core.contract.TableContract}. Attribute types match what {@code
 * SandboxTable.createIfMissing} creates locally (a test compares the two).
 */
public final class BrokerTable extends Construct {
  private final Table table;

  public BrokerTable(Construct scope, String id, BrokerTableProps props) {
    super(scope, id);
    this.table =
        Table.Builder.create(this, "Table")
            .tableName(props.tableName())
            .partitionKey(
                Attribute.builder().name(PARTITION_KEY).type(AttributeType.STRING).build())
            .sortKey(Attribute.builder().name(SORT_KEY).type(AttributeType.STRING).build())
            // on-demand: allocation bursts when a class starts; no capacity to plan or throttle on
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            // a KMS key in the account (aws/dynamodb) so key use shows up in CloudTrail
            .encryption(TableEncryption.AWS_MANAGED)
            .timeToLiveAttribute(TTL_ATTRIBUTE)
            // the outbox of the lifecycle events (LifecycleEvents reads it with a Pipe)
            .stream(StreamViewType.NEW_AND_OLD_IMAGES)
            .deletionProtection(true)
            // the pool's ownership records outlive any stack: never delete them with it
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    table.addGlobalSecondaryIndex(
        GlobalSecondaryIndexProps.builder()
            .indexName(STATUS_INDEX)
            .partitionKey(
                Attribute.builder()
                    .name(STATUS_INDEX_PARTITION_KEY)
                    .type(AttributeType.STRING)
                    .build())
            // epoch millis, a number, as the store writes it
            .sortKey(
                Attribute.builder().name(STATUS_INDEX_SORT_KEY).type(AttributeType.NUMBER).build())
            .projectionType(ProjectionType.ALL)
            .build());
    // Pools: (pool#shard, status), only what an allocation candidate needs projected so
    // Select=COUNT reads small entries. Added to a live table, DynamoDB builds it online; the
    // service's backfill gives older items their pool (docs/scaling.md, runbooks/pool-low.md).
    table.addGlobalSecondaryIndex(
        GlobalSecondaryIndexProps.builder()
            .indexName(POOL_INDEX)
            .partitionKey(
                Attribute.builder()
                    .name(POOL_INDEX_PARTITION_KEY)
                    .type(AttributeType.STRING)
                    .build())
            .sortKey(
                Attribute.builder().name(POOL_INDEX_SORT_KEY).type(AttributeType.STRING).build())
            .projectionType(ProjectionType.INCLUDE)
            .nonKeyAttributes(POOL_INDEX_PROJECTED)
            .build());
  }

  public Table table() {
    return table;
  }
}
