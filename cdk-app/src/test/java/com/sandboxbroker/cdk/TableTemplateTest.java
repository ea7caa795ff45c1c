package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.testing.LocalDynamo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The table, from core's TableContract: keys, index, PITR, TTL, encryption, retention. */
class TableTemplateTest {
  private final SynthesizedBroker broker = SynthesizedBroker.get();

  private JsonNode table() {
    Map<String, JsonNode> tables = broker.resources("AWS::DynamoDB::Table");
    assertThat(tables).hasSize(1);
    return tables.values().iterator().next();
  }

  @Test
  void keysAndStatusIndexComeFromTheContract() {
    JsonNode props = table().get("Properties");
    assertThat(keySchema(props.get("KeySchema")))
        .containsExactly(
            Map.entry(TableContract.PARTITION_KEY, "HASH"),
            Map.entry(TableContract.SORT_KEY, "RANGE"));
    assertThat(props.get("GlobalSecondaryIndexes")).hasSize(2);
    JsonNode index = props.get("GlobalSecondaryIndexes").get(0);
    assertThat(index.get("IndexName").asText()).isEqualTo(TableContract.STATUS_INDEX);
    assertThat(keySchema(index.get("KeySchema")))
        .containsExactly(
            Map.entry(TableContract.STATUS_INDEX_PARTITION_KEY, "HASH"),
            Map.entry(TableContract.STATUS_INDEX_SORT_KEY, "RANGE"));
    assertThat(index.get("Projection").get("ProjectionType").asText()).isEqualTo("ALL");
  }

  @Test
  void poolIndexComesFromTheContract() {
    JsonNode index = table().get("Properties").get("GlobalSecondaryIndexes").get(1);
    assertThat(index.get("IndexName").asText()).isEqualTo(TableContract.POOL_INDEX);
    assertThat(keySchema(index.get("KeySchema")))
        .containsExactly(
            Map.entry(TableContract.POOL_INDEX_PARTITION_KEY, "HASH"),
            Map.entry(TableContract.POOL_INDEX_SORT_KEY, "RANGE"));
    assertThat(index.get("Projection").get("ProjectionType").asText()).isEqualTo("INCLUDE");
    List<String> projected = new ArrayList<>();
    index.get("Projection").get("NonKeyAttributes").forEach(a -> projected.add(a.asText()));
    assertThat(projected).containsExactlyInAnyOrderElementsOf(TableContract.POOL_INDEX_PROJECTED);
  }

  @Test
  void onDemandWithPitrTtlEncryptionDeletionProtectionAndRetained() {
    JsonNode table = table();
    JsonNode props = table.get("Properties");
    assertThat(props.get("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
    assertThat(
            props
                .get("PointInTimeRecoverySpecification")
                .get("PointInTimeRecoveryEnabled")
                .asBoolean())
        .isTrue();
    assertThat(props.get("TimeToLiveSpecification").get("AttributeName").asText())
        .isEqualTo(TableContract.TTL_ATTRIBUTE);
    assertThat(props.get("TimeToLiveSpecification").get("Enabled").asBoolean()).isTrue();
    assertThat(props.get("SSESpecification").get("SSEEnabled").asBoolean()).isTrue();
    assertThat(props.get("DeletionProtectionEnabled").asBoolean()).isTrue();
    assertThat(table.get("DeletionPolicy").asText())
        .isEqualTo(
            "RetainExceptOnCreate"); // issue #15: not retained when the first create rolls back
    assertThat(table.get("UpdateReplacePolicy").asText()).isEqualTo("Retain");
  }

  /** The attribute types must match what the store creates locally, or AWS and local diverge. */
  @Test
  @Timeout(60)
  void attributeTypesMatchWhatTheStoreCreatesLocally() {
    Map<String, String> synthesized = new TreeMap<>();
    table()
        .get("Properties")
        .get("AttributeDefinitions")
        .forEach(
            a -> synthesized.put(a.get("AttributeName").asText(), a.get("AttributeType").asText()));
    try (LocalDynamo ddb = LocalDynamo.start();
        DynamoDbClient client = ddb.client()) {
      String name = LocalDynamo.uniqueTableName();
      new SandboxTable(client, name).createIfMissing();
      TableDescription local = client.describeTable(b -> b.tableName(name)).table();
      Map<String, String> created = new TreeMap<>();
      local
          .attributeDefinitions()
          .forEach(a -> created.put(a.attributeName(), a.attributeTypeAsString()));
      assertThat(synthesized).isEqualTo(created);
      // and the same indexes: names, keys, projections
      Map<String, String> localIndexes = new TreeMap<>();
      local
          .globalSecondaryIndexes()
          .forEach(
              i ->
                  localIndexes.put(
                      i.indexName(),
                      i.keySchema().toString()
                          + i.projection().projectionTypeAsString()
                          + new TreeSet<>(i.projection().nonKeyAttributes())));
      Map<String, String> synthesizedIndexes = new TreeMap<>();
      table()
          .get("Properties")
          .get("GlobalSecondaryIndexes")
          .forEach(
              i -> {
                List<KeySchemaElement> keys = new ArrayList<>();
                i.get("KeySchema")
                    .forEach(
                        k ->
                            keys.add(
                                KeySchemaElement.builder()
                                    .attributeName(k.get("AttributeName").asText())
                                    .keyType(k.get("KeyType").asText())
                                    .build()));
                TreeSet<String> nonKey = new TreeSet<>();
                i.get("Projection").path("NonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
                synthesizedIndexes.put(
                    i.get("IndexName").asText(),
                    keys.toString() + i.get("Projection").get("ProjectionType").asText() + nonKey);
              });
      assertThat(synthesizedIndexes).isEqualTo(localIndexes);
      // and the same change stream (the events' outbox): a created table is the deployed layout
      assertThat(local.streamSpecification().streamEnabled()).isTrue();
      assertThat(local.streamSpecification().streamViewTypeAsString())
          .isEqualTo(
              table().get("Properties").get("StreamSpecification").get("StreamViewType").asText());
    }
  }

  private static Map<String, String> keySchema(JsonNode schema) {
    Map<String, String> keys = new LinkedHashMap<>();
    schema.forEach(k -> keys.put(k.get("AttributeName").asText(), k.get("KeyType").asText()));
    return keys;
  }
}
