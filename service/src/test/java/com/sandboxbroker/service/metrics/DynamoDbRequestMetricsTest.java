package com.sandboxbroker.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * The counting decorator on the embedded client local mode uses: one count per call, per operation.
 */
@Timeout(60)
class DynamoDbRequestMetricsTest {

  @Test
  void countsEachOperationOnceAndPassesConditionFailuresThrough() {
    AmazonDynamoDBLocal embedded = DynamoDBEmbedded.create(true);
    try {
      MetricRegistry registry = new MetricRegistry();
      DynamoDbClient dynamo =
          new DynamoDbRequestMetrics(registry).counting(embedded.dynamoDbClient());
      new SandboxTable(dynamo, "table").createIfMissing();
      long before = registry.meter("dynamodb.requests").getCount();

      Map<String, AttributeValue> item = Map.of("PK", s("x"), "SK", s("META"));
      dynamo.putItem(b -> b.tableName("table").item(item));
      assertThatThrownBy(
              () ->
                  dynamo.putItem(
                      b ->
                          b.tableName("table")
                              .item(item)
                              .conditionExpression("attribute_not_exists(PK)")))
          .isInstanceOf(ConditionalCheckFailedException.class);

      assertThat(registry.meter("dynamodb.requests").getCount() - before).isEqualTo(2);
      assertThat(registry.meter("dynamodb.requests.PutItem").getCount()).isEqualTo(2);
    } finally {
      embedded.shutdown();
    }
  }

  private static AttributeValue s(String v) {
    return AttributeValue.builder().s(v).build();
  }
}
