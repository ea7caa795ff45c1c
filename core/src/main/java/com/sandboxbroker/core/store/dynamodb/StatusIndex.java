package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.SANDBOX_PK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX_PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX_SORT_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.s;

import com.sandboxbroker.core.sandbox.SandboxStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.paginators.QueryIterable;

/**
 * Reads of {@code StatusIndex}, one status partition at a time (key queries, never a Scan), paged
 * by the SDK's paginator and keeping only sandbox items (leases and bookkeeping have no status).
 * The one place that reads sandboxes by status: listing, the jobs' work lists, the removals by
 * status and the pool backfill all page here.
 */
final class StatusIndex {
  /** The index key of an item: where a read resumes after it. */
  static final Set<String> KEY_ATTRIBUTES =
      Set.of(PARTITION_KEY, SORT_KEY, STATUS_INDEX_PARTITION_KEY, STATUS_INDEX_SORT_KEY);

  /**
   * A further narrowing of a status partition's read: a filter on the item ({@code null} for none)
   * with the placeholders it uses, and a projection ({@code null} for every attribute).
   */
  record Narrowing(
      String filter,
      Map<String, String> names,
      Map<String, AttributeValue> values,
      String projection) {
    static final Narrowing NONE = new Narrowing(null, Map.of(), Map.of(), null);
  }

  private final DynamoDbClient dynamo;
  private final String tableName;

  StatusIndex(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  /** Every sandbox item in {@code status}, read to the end. */
  Iterable<Map<String, AttributeValue>> sandboxItems(SandboxStatus status) {
    return pages(status, Narrowing.NONE, null, null).items();
  }

  /** The sandbox items in {@code status} that {@code narrowing} keeps, read to the end. */
  Iterable<Map<String, AttributeValue>> sandboxItems(SandboxStatus status, Narrowing narrowing) {
    return pages(status, narrowing, null, null).items();
  }

  /**
   * The pages of one status partition from {@code start} (exclusive; {@code null} for the
   * beginning), {@code batch} items per request ({@code null} for DynamoDB's page size).
   */
  QueryIterable pages(
      SandboxStatus status, Narrowing narrowing, Map<String, AttributeValue> start, Integer batch) {
    Map<String, String> names = new HashMap<>(narrowing.names());
    names.put("#status", Items.STATUS);
    names.put("#pk", PARTITION_KEY);
    Map<String, AttributeValue> values = new HashMap<>(narrowing.values());
    values.put(":status", s(status.wireName()));
    values.put(":sbx", s(SANDBOX_PK_PREFIX));
    String filter =
        narrowing.filter() == null
            ? "begins_with(#pk, :sbx)"
            : "begins_with(#pk, :sbx) AND " + narrowing.filter();
    return dynamo.queryPaginator(
        QueryRequest.builder()
            .tableName(tableName)
            .indexName(STATUS_INDEX)
            .keyConditionExpression("#status = :status")
            .filterExpression(filter)
            .projectionExpression(narrowing.projection())
            .expressionAttributeNames(names)
            .expressionAttributeValues(values)
            .exclusiveStartKey(start)
            .limit(batch)
            .build());
  }

  /** The index key of {@code item} (see {@link #KEY_ATTRIBUTES}). */
  static Map<String, AttributeValue> indexKeyOf(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> key = new HashMap<>();
    for (String attribute : List.copyOf(KEY_ATTRIBUTES)) {
      key.put(attribute, item.get(attribute));
    }
    return key;
  }

  /** The table key of {@code item}. */
  static Map<String, AttributeValue> tableKeyOf(Map<String, AttributeValue> item) {
    return Map.of(PARTITION_KEY, item.get(PARTITION_KEY), SORT_KEY, item.get(SORT_KEY));
  }
}
