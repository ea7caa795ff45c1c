package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.SANDBOX_PK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX_PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX_SORT_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.s;

import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.ClaimResult;
import com.sandboxbroker.core.store.InvalidCursorException;
import com.sandboxbroker.core.store.LeasePutResult;
import com.sandboxbroker.core.store.Page;
import com.sandboxbroker.core.store.SandboxStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/**
 * {@link SandboxStore} on one DynamoDB table. Every transition is a single conditional {@code
 * UpdateItem}/{@code PutItem} that returns the old item when its condition fails, so a lost race
 * costs no extra read.
 */
public final class DynamoDbSandboxStore implements SandboxStore {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbSandboxStore.class);

  /** Leases outlive their allocation a little so a late replay still finds and explains them. */
  private static final Duration LEASE_TTL_MARGIN = Duration.ofDays(7);

  private final DynamoDbClient dynamo;
  private final String tableName;
  private final CursorCodec indexCursors =
      new CursorCodec(Set.of(PARTITION_KEY, SORT_KEY, STATUS_INDEX_PARTITION_KEY, STATUS_INDEX_SORT_KEY));

  public DynamoDbSandboxStore(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  @Override
  public void createTableIfMissing() {
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
                attr(STATUS_INDEX_SORT_KEY, ScalarAttributeType.N))
            .keySchema(key(PARTITION_KEY, KeyType.HASH), key(SORT_KEY, KeyType.RANGE))
            .globalSecondaryIndexes(
                GlobalSecondaryIndex.builder()
                    .indexName(STATUS_INDEX)
                    .keySchema(
                        key(STATUS_INDEX_PARTITION_KEY, KeyType.HASH),
                        key(STATUS_INDEX_SORT_KEY, KeyType.RANGE))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                    .build())
            .build());
    dynamo.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    try {
      dynamo.updateTimeToLive(
          b ->
              b.tableName(tableName)
                  .timeToLiveSpecification(
                      TimeToLiveSpecification.builder()
                          .attributeName(TableContract.TTL_ATTRIBUTE)
                          .enabled(true)
                          .build()));
    } catch (DynamoDbException e) {
      // DynamoDB Local may not implement TTL; records then simply stay until purged.
      LOG.info("TTL not enabled on {}: {}", tableName, e.awsErrorDetails().errorCode());
    }
  }

  @Override
  public boolean isReachable() {
    try {
      dynamo.describeTable(DescribeTableRequest.builder().tableName(tableName).build());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public Optional<Sandbox> findSandbox(String sandboxId) {
    var item =
        dynamo
            .getItem(b -> b.tableName(tableName).key(Items.sandboxKey(sandboxId)).consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.toSandbox(item));
  }

  @Override
  public Page<Sandbox> findAvailable(String namePrefix, Optional<String> cursor, int limit) {
    Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS));
    Map<String, AttributeValue> values =
        new HashMap<>(Map.of(":available", s(SandboxStatus.AVAILABLE.wireName())));
    var request =
        QueryRequest.builder()
            .tableName(tableName)
            .indexName(STATUS_INDEX)
            .keyConditionExpression("#status = :available")
            .limit(limit);
    if (namePrefix != null && !namePrefix.isEmpty()) {
      names.put("#name", Items.NAME);
      values.put(":prefix", s(namePrefix));
      request.filterExpression("begins_with(#name, :prefix)");
    }
    cursor.map(indexCursors::decode).ifPresent(request::exclusiveStartKey);
    QueryResponse response;
    try {
      response =
          dynamo.query(request.expressionAttributeNames(names).expressionAttributeValues(values).build());
    } catch (DynamoDbException e) {
      if (cursor.isPresent() && e.statusCode() == 400) {
        throw new InvalidCursorException(); // a well-formed cursor that does not fit this index
      }
      throw e;
    }
    List<Sandbox> items = new ArrayList<>(response.count());
    response.items().forEach(i -> items.add(Items.toSandbox(i)));
    return new Page<>(items, nextCursor(response.lastEvaluatedKey()));
  }

  @Override
  public List<Sandbox> allSandboxes() {
    List<Sandbox> all = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      var request =
          ScanRequest.builder()
              .tableName(tableName)
              .filterExpression("begins_with(#pk, :prefix)")
              .expressionAttributeNames(Map.of("#pk", PARTITION_KEY))
              .expressionAttributeValues(Map.of(":prefix", s(SANDBOX_PK_PREFIX)))
              .exclusiveStartKey(start)
              .consistentRead(true)
              .build();
      ScanResponse page = dynamo.scan(request);
      page.items().forEach(i -> all.add(Items.toSandbox(i)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return all;
  }

  @Override
  public boolean insertSandbox(Sandbox sandbox) {
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(Items.toItem(sandbox))
                  .conditionExpression("attribute_not_exists(#pk)")
                  .expressionAttributeNames(Map.of("#pk", PARTITION_KEY)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public ClaimResult claim(Lease lease) {
    try {
      var response =
          dynamo.updateItem(
              b ->
                  b.tableName(tableName)
                      .key(Items.sandboxKey(lease.sandboxId()))
                      .updateExpression(
                          "SET #status = :allocated, #owner = :owner, #lab = :lab, #lease = :lease,"
                              + " #at = :at, #exp = :exp, #drq = :zero,"
                              + " #version = if_not_exists(#version, :zero) + :one")
                      .conditionExpression("#status = :available")
                      .expressionAttributeNames(
                          Map.of(
                              "#status", Items.STATUS,
                              "#owner", Items.ALLOCATED_TO,
                              "#lab", Items.TRACK_NAME,
                              "#lease", Items.LEASE_ID,
                              "#at", Items.ALLOCATED_AT,
                              "#exp", Items.EXPIRES_AT,
                              "#drq", Items.DELETION_REQUESTED_AT,
                              "#version", Items.VERSION))
                      .expressionAttributeValues(
                          Map.of(
                              ":allocated", s(SandboxStatus.ALLOCATED.wireName()),
                              ":available", s(SandboxStatus.AVAILABLE.wireName()),
                              ":owner", s(lease.identity()),
                              ":lab", s(lease.trackName()),
                              ":lease", s(lease.leaseId()),
                              ":at", n(lease.allocatedAt()),
                              ":exp", n(lease.expiresAt()),
                              ":zero", n(0),
                              ":one", n(1)))
                      .returnValues(ReturnValue.ALL_NEW)
                      .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return ClaimResult.claimed(Items.toSandbox(response.attributes()));
    } catch (ConditionalCheckFailedException e) {
      return ClaimResult.lost(oldSandbox(e));
    }
  }

  @Override
  public LeasePutResult putLease(Lease lease, long now) {
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(Items.toItem(lease, lease.expiresAt() + LEASE_TTL_MARGIN.toSeconds()))
                  .conditionExpression("attribute_not_exists(#pk) OR #exp <= :now")
                  .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#exp", Items.EXPIRES_AT))
                  .expressionAttributeValues(Map.of(":now", n(now)))
                  .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return LeasePutResult.success();
    } catch (ConditionalCheckFailedException e) {
      if (e.hasItem() && !e.item().isEmpty()) {
        return LeasePutResult.occupiedBy(Items.toLease(e.item()));
      }
      // Older emulators do not return the old item; read it (strongly consistent) instead.
      return findLease(lease.identity(), lease.slot())
          .map(LeasePutResult::occupiedBy)
          .orElseGet(() -> putLease(lease, now));
    }
  }

  @Override
  public Optional<Lease> findLease(String identity, int slot) {
    var item =
        dynamo
            .getItem(b -> b.tableName(tableName).key(Items.leaseKey(identity, slot)).consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.toLease(item));
  }

  @Override
  public boolean replaceLease(Lease current, Lease next) {
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(Items.toItem(next, next.expiresAt() + LEASE_TTL_MARGIN.toSeconds()))
                  .conditionExpression("#lease = :lease AND #sbx = :sbx")
                  .expressionAttributeNames(Map.of("#lease", Items.LEASE_ID, "#sbx", Items.SANDBOX_ID))
                  .expressionAttributeValues(
                      Map.of(":lease", s(current.leaseId()), ":sbx", s(current.sandboxId()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public TransitionResult markForDeletion(String sandboxId, String identity, long now) {
    try {
      var response =
          dynamo.updateItem(
              b ->
                  b.tableName(tableName)
                      .key(Items.sandboxKey(sandboxId))
                      .updateExpression(
                          "SET #status = :pending, #drq = :now,"
                              + " #version = if_not_exists(#version, :zero) + :one")
                      .conditionExpression("#status = :allocated AND #owner = :owner")
                      .expressionAttributeNames(
                          Map.of(
                              "#status", Items.STATUS,
                              "#owner", Items.ALLOCATED_TO,
                              "#drq", Items.DELETION_REQUESTED_AT,
                              "#version", Items.VERSION))
                      .expressionAttributeValues(
                          Map.of(
                              ":pending", s(SandboxStatus.PENDING_DELETION.wireName()),
                              ":allocated", s(SandboxStatus.ALLOCATED.wireName()),
                              ":owner", s(identity),
                              ":now", n(now),
                              ":zero", n(0),
                              ":one", n(1)))
                      .returnValues(ReturnValue.ALL_NEW)
                      .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new TransitionResult(true, Optional.of(Items.toSandbox(response.attributes())));
    } catch (ConditionalCheckFailedException e) {
      return new TransitionResult(false, oldSandbox(e));
    }
  }

  @Override
  public List<Sandbox> sandboxesInStatus(SandboxStatus status) {
    List<Sandbox> all = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      var request =
          QueryRequest.builder()
              .tableName(tableName)
              .indexName(STATUS_INDEX)
              .keyConditionExpression("#status = :status")
              .expressionAttributeNames(Map.of("#status", Items.STATUS))
              .expressionAttributeValues(Map.of(":status", s(status.wireName())))
              .exclusiveStartKey(start)
              .build();
      QueryResponse page = dynamo.query(request);
      page.items().forEach(i -> all.add(Items.toSandbox(i)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return all;
  }

  @Override
  public TransitionResult refreshFromUpstream(Sandbox seen, UpstreamSandbox upstream) {
    return conditionalUpdate(seen, SandboxStatus.AVAILABLE, refreshSet(seen, upstream, null));
  }

  @Override
  public TransitionResult recordMissing(Sandbox seen) {
    return conditionalUpdate(
        seen,
        SandboxStatus.AVAILABLE,
        new SetClause().set(Items.MISSING_COUNT, n(seen.missingCount() + 1L)));
  }

  @Override
  public TransitionResult markStale(Sandbox seen, long now) {
    return conditionalUpdate(
        seen,
        SandboxStatus.AVAILABLE,
        new SetClause()
            .set(Items.STATUS, s(SandboxStatus.STALE.wireName()))
            .set(Items.MISSING_COUNT, n(seen.missingCount() + 1L))
            .set(Items.STALE_SINCE, n(now)));
  }

  @Override
  public TransitionResult reviveStale(Sandbox seen, UpstreamSandbox upstream) {
    return conditionalUpdate(
        seen,
        SandboxStatus.STALE,
        refreshSet(seen, upstream, SandboxStatus.AVAILABLE).set(Items.STALE_SINCE, n(0)));
  }

  @Override
  public TransitionResult expireAllocation(Sandbox seen, long now) {
    try {
      var response =
          dynamo.updateItem(
              b ->
                  b.tableName(tableName)
                      .key(Items.sandboxKey(seen.sandboxId()))
                      .updateExpression(
                          "SET #status = :pending, #drq = :now,"
                              + " #version = if_not_exists(#version, :zero) + :one")
                      .conditionExpression("#status = :allocated AND #lease = :lease AND #exp <= :now")
                      .expressionAttributeNames(
                          Map.of(
                              "#status", Items.STATUS,
                              "#lease", Items.LEASE_ID,
                              "#exp", Items.EXPIRES_AT,
                              "#drq", Items.DELETION_REQUESTED_AT,
                              "#version", Items.VERSION))
                      .expressionAttributeValues(
                          Map.of(
                              ":pending", s(SandboxStatus.PENDING_DELETION.wireName()),
                              ":allocated", s(SandboxStatus.ALLOCATED.wireName()),
                              ":lease", s(seen.leaseId()),
                              ":now", n(now),
                              ":zero", n(0),
                              ":one", n(1)))
                      .returnValues(ReturnValue.ALL_NEW)
                      .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new TransitionResult(true, Optional.of(Items.toSandbox(response.attributes())));
    } catch (ConditionalCheckFailedException e) {
      return new TransitionResult(false, oldSandbox(e));
    }
  }

  @Override
  public boolean purgeStale(Sandbox seen, long staleBefore) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    String condition = expectation(seen, SandboxStatus.STALE, names, values) + " AND #since <= :before";
    names.put("#since", Items.STALE_SINCE);
    values.put(":before", n(staleBefore));
    try {
      dynamo.deleteItem(
          b ->
              b.tableName(tableName)
                  .key(Items.sandboxKey(seen.sandboxId()))
                  .conditionExpression(condition)
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public TransitionResult recordPreDeleteOutcome(Sandbox seen, String outcome, long now) {
    return conditionalUpdate(
        seen,
        SandboxStatus.PENDING_DELETION,
        new SetClause().set(Items.PREDELETE_OUTCOME, s(outcome)).set(Items.PREDELETE_AT, n(now)));
  }

  @Override
  public TransitionResult recordDeleted(Sandbox seen, long now, long ttl) {
    return conditionalUpdate(
        seen,
        SandboxStatus.PENDING_DELETION,
        new SetClause()
            .set(Items.STATUS, s(SandboxStatus.DELETED.wireName()))
            .set(Items.DELETED_AT, n(now))
            .set(Items.DELETION_ATTEMPTS, n(seen.deletionAttempts() + 1L))
            .set(Items.NEXT_ATTEMPT_AT, n(0))
            .set(Items.LAST_ERROR, s(""))
            .set(TableContract.TTL_ATTRIBUTE, n(ttl)));
  }

  @Override
  public TransitionResult recordDeletionRetry(
      Sandbox seen, int attempts, long nextAttemptAt, String error) {
    return conditionalUpdate(
        seen,
        SandboxStatus.PENDING_DELETION,
        new SetClause()
            .set(Items.DELETION_ATTEMPTS, n(attempts))
            .set(Items.NEXT_ATTEMPT_AT, n(nextAttemptAt))
            .set(Items.LAST_ERROR, s(error)));
  }

  @Override
  public TransitionResult recordDeletionFailed(Sandbox seen, int attempts, String error) {
    return conditionalUpdate(
        seen,
        SandboxStatus.PENDING_DELETION,
        new SetClause()
            .set(Items.STATUS, s(SandboxStatus.DELETION_FAILED.wireName()))
            .set(Items.DELETION_ATTEMPTS, n(attempts))
            .set(Items.NEXT_ATTEMPT_AT, n(0))
            .set(Items.LAST_ERROR, s(error)));
  }

  /** Only the upstream attributes that changed, so an unchanged account costs no write at all. */
  private static SetClause refreshSet(Sandbox seen, UpstreamSandbox u, SandboxStatus newStatus) {
    SetClause set = new SetClause();
    if (!seen.name().equals(u.name())) {
      set.set(Items.NAME, s(u.name()));
    }
    if (!seen.externalId().equals(u.externalId())) {
      set.set(Items.EXTERNAL_ID, s(u.externalId()));
    }
    if (!seen.sfdcAccountId().equals(u.sfdcAccountId())) {
      set.set(Items.SFDC_ACCOUNT_ID, s(u.sfdcAccountId()));
    }
    if (seen.missingCount() != 0) {
      set.set(Items.MISSING_COUNT, n(0));
    }
    if (newStatus != null) {
      set.set(Items.STATUS, s(newStatus.wireName()));
    }
    return set;
  }

  /** The SET part of an update expression, built from only the attributes a transition changes. */
  private static final class SetClause {
    private final Map<String, AttributeValue> values = new java.util.LinkedHashMap<>();

    SetClause set(String attribute, AttributeValue value) {
      values.put(attribute, value);
      return this;
    }
  }

  /**
   * {@code #status = :expected AND #version = :version} (an item written before versions existed
   * has none, which counts as 0).
   */
  private static String expectation(
      Sandbox seen, SandboxStatus expected, Map<String, String> names, Map<String, AttributeValue> values) {
    names.put("#status", Items.STATUS);
    names.put("#version", Items.VERSION);
    values.put(":expected", s(expected.wireName()));
    values.put(":seenVersion", n(seen.version()));
    return seen.version() == 0
        ? "#status = :expected AND (attribute_not_exists(#version) OR #version = :seenVersion)"
        : "#status = :expected AND #version = :seenVersion";
  }

  private TransitionResult conditionalUpdate(Sandbox seen, SandboxStatus expected, SetClause set) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    String condition = expectation(seen, expected, names, values);
    StringBuilder update = new StringBuilder("SET #version = :nextVersion");
    values.put(":nextVersion", n(seen.version() + 1));
    int i = 0;
    for (var e : set.values.entrySet()) {
      names.put("#a" + i, e.getKey());
      values.put(":a" + i, e.getValue());
      update.append(", #a").append(i).append(" = :a").append(i);
      i++;
    }
    try {
      var response =
          dynamo.updateItem(
              b ->
                  b.tableName(tableName)
                      .key(Items.sandboxKey(seen.sandboxId()))
                      .updateExpression(update.toString())
                      .conditionExpression(condition)
                      .expressionAttributeNames(names)
                      .expressionAttributeValues(values)
                      .returnValues(ReturnValue.ALL_NEW)
                      .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new TransitionResult(true, Optional.of(Items.toSandbox(response.attributes())));
    } catch (ConditionalCheckFailedException e) {
      return new TransitionResult(false, oldSandbox(e));
    }
  }

  /** The item a failed condition saw; falls back to a consistent read on emulators without it. */
  private Optional<Sandbox> oldSandbox(ConditionalCheckFailedException e) {
    if (e.hasItem() && !e.item().isEmpty()) {
      return Optional.of(Items.toSandbox(e.item()));
    }
    return Optional.empty();
  }

  private Optional<String> nextCursor(Map<String, AttributeValue> lastEvaluatedKey) {
    return lastEvaluatedKey == null || lastEvaluatedKey.isEmpty()
        ? Optional.empty()
        : Optional.of(indexCursors.encode(lastEvaluatedKey));
  }

  private static AttributeDefinition attr(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
