package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.SANDBOX_PK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX_PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX_SORT_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.s;

import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.contract.EventContract.EventType;
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
import com.sandboxbroker.core.tenant.Tenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
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
      new CursorCodec(
          Set.of(PARTITION_KEY, SORT_KEY, STATUS_INDEX_PARTITION_KEY, STATUS_INDEX_SORT_KEY));

  private final PoolIndex pools;

  /** With pools derived from sandbox names only (no configured pools). */
  public DynamoDbSandboxStore(DynamoDbClient dynamo, String tableName) {
    this(dynamo, tableName, com.sandboxbroker.core.pool.PoolAssignment.derivedOnly());
  }

  /** {@code poolAssignment} decides the pool of each sandbox this store inserts (issue 12). */
  public DynamoDbSandboxStore(
      DynamoDbClient dynamo,
      String tableName,
      com.sandboxbroker.core.pool.PoolAssignment poolAssignment) {
    this.dynamo = dynamo;
    this.tableName = tableName;
    this.pools = new PoolIndex(dynamo, tableName, poolAssignment);
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
                attr(STATUS_INDEX_SORT_KEY, ScalarAttributeType.N),
                attr(TableContract.POOL_INDEX_PARTITION_KEY, ScalarAttributeType.S))
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
                          .attributeName(TableContract.TTL_ATTRIBUTE)
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
        .indexName(TableContract.POOL_INDEX)
        .keySchema(
            key(TableContract.POOL_INDEX_PARTITION_KEY, KeyType.HASH),
            key(TableContract.POOL_INDEX_SORT_KEY, KeyType.RANGE))
        .projection(
            Projection.builder()
                .projectionType(ProjectionType.INCLUDE)
                .nonKeyAttributes(TableContract.POOL_INDEX_PROJECTED)
                .build())
        .build();
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
            .getItem(
                b -> b.tableName(tableName).key(Items.sandboxKey(sandboxId)).consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.toSandbox(item));
  }

  /** Reads only the pools {@code namePrefix} selects, never the whole available set (issue 12). */
  @Override
  public Page<Sandbox> findAvailable(String namePrefix, Optional<String> cursor, int limit) {
    return pools.findAvailable(namePrefix, cursor, limit);
  }

  /**
   * The sum over every known pool of {@code Select=COUNT} key queries on {@code PoolIndex} (deleted
   * audit records included): never a Scan, and the same counting {@code /v1/admin/pools} shows.
   */
  @Override
  public Map<SandboxStatus, Long> countByStatus() {
    Map<SandboxStatus, Long> totals = new java.util.EnumMap<>(SandboxStatus.class);
    Set<SandboxStatus> all = java.util.EnumSet.allOf(SandboxStatus.class);
    all.forEach(st -> totals.put(st, 0L));
    for (var pool : pools.knownPools(true)) {
      pools.count(pool, all).forEach((st, n) -> totals.merge(st, n, Long::sum));
    }
    return totals;
  }

  /** Sync's backfill (issue 12): gives sandbox items written before pools existed their pool. */
  @Override
  public int assignMissingPools() {
    return pools.backfill();
  }

  /** Key queries on {@code StatusIndex}, one status partition after another: never a Scan. */
  @Override
  public List<Sandbox> allSandboxes() {
    List<Sandbox> all = new ArrayList<>();
    for (SandboxStatus status : SandboxStatus.values()) {
      forEachSandboxItemInStatus(status, item -> all.add(Items.toSandbox(item)));
    }
    return all;
  }

  @Override
  public boolean insertSandbox(Sandbox sandbox) {
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(withEvent(withPool(sandbox), EventType.SANDBOX_ADDED))
                  .conditionExpression("attribute_not_exists(#pk)")
                  .expressionAttributeNames(Map.of("#pk", PARTITION_KEY)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** The item of a new sandbox with its pool set (contract §9: sync decides it on insert). */
  private Map<String, AttributeValue> withPool(Sandbox sandbox) {
    Map<String, AttributeValue> item = new HashMap<>(Items.toItem(sandbox));
    item.putAll(pools.poolAttributes(sandbox.sandboxId(), sandbox.name()));
    return item;
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
                          "SET #status = :allocated, #owner = :owner, #tenant = :tenant, #lab = :lab,"
                              + " #lease = :lease, #at = :at, #exp = :exp, #drq = :zero,"
                              + " #version = if_not_exists(#version, :zero) + :one, #lce = :lce"
                              + " REMOVE #fenced")
                      .conditionExpression("#status = :available AND NOT contains(#fenced, :lease)")
                      .expressionAttributeNames(
                          Map.ofEntries(
                              Map.entry("#fenced", Items.FENCED_LEASES),
                              Map.entry("#lce", EventContract.LIFECYCLE_EVENT_ATTRIBUTE),
                              Map.entry("#status", Items.STATUS),
                              Map.entry("#owner", Items.ALLOCATED_TO),
                              Map.entry("#tenant", Items.TENANT),
                              Map.entry("#lab", Items.TRACK_NAME),
                              Map.entry("#lease", Items.LEASE_ID),
                              Map.entry("#at", Items.ALLOCATED_AT),
                              Map.entry("#exp", Items.EXPIRES_AT),
                              Map.entry("#drq", Items.DELETION_REQUESTED_AT),
                              Map.entry("#version", Items.VERSION)))
                      .expressionAttributeValues(
                          Map.ofEntries(
                              Map.entry(":allocated", s(SandboxStatus.ALLOCATED.wireName())),
                              Map.entry(":available", s(SandboxStatus.AVAILABLE.wireName())),
                              Map.entry(":owner", s(lease.identity())),
                              Map.entry(":tenant", s(lease.tenant())),
                              Map.entry(":lab", s(lease.trackName())),
                              Map.entry(":lce", s(EventType.SANDBOX_ALLOCATED.wireName())),
                              Map.entry(":lease", s(lease.leaseId())),
                              Map.entry(":at", n(lease.allocatedAt())),
                              Map.entry(":exp", n(lease.expiresAt())),
                              Map.entry(":zero", n(0)),
                              Map.entry(":one", n(1))))
                      .returnValues(ReturnValue.ALL_NEW)
                      .returnValuesOnConditionCheckFailure(
                          ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return ClaimResult.claimed(Items.toSandbox(response.attributes()));
    } catch (ConditionalCheckFailedException e) {
      return ClaimResult.lost(oldSandbox(e));
    }
  }

  @Override
  public boolean fenceClaim(Lease abandoned) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(tableName)
                  .key(Items.sandboxKey(abandoned.sandboxId()))
                  .updateExpression("ADD #fenced :fence")
                  .conditionExpression(
                      "attribute_exists(#pk) AND (attribute_not_exists(#lease) OR #lease <> :lease)")
                  .expressionAttributeNames(
                      Map.of(
                          "#pk",
                          PARTITION_KEY,
                          "#fenced",
                          Items.FENCED_LEASES,
                          "#lease",
                          Items.LEASE_ID))
                  .expressionAttributeValues(
                      Map.of(
                          ":fence", AttributeValue.fromSs(List.of(abandoned.leaseId())),
                          ":lease", s(abandoned.leaseId())))
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return true;
    } catch (ConditionalCheckFailedException e) {
      // the claim landed (the item holds the lease id), or the item is gone (nothing to claim)
      Optional<Sandbox> seen = oldSandbox(e).or(() -> findSandbox(abandoned.sandboxId()));
      return seen.map(sbx -> !sbx.leaseId().equals(abandoned.leaseId())).orElse(true);
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
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return LeasePutResult.success();
    } catch (ConditionalCheckFailedException e) {
      if (e.hasItem() && !e.item().isEmpty()) {
        return LeasePutResult.occupiedBy(Items.toLease(e.item()));
      }
      // Older emulators do not return the old item; read it (strongly consistent) instead.
      return findLease(lease.tenant(), lease.identity(), lease.slot())
          .map(LeasePutResult::occupiedBy)
          .orElseGet(() -> putLease(lease, now));
    }
  }

  @Override
  public boolean markKeyInFlight(
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
    item.put(TableContract.TTL_ATTRIBUTE, n(untilMillis / 1000 + LEASE_TTL_MARGIN.toSeconds()));
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

  @Override
  public void clearKeyInFlight(
      String tenant, String identity, String idempotencyKey, String holder) {
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

  @Override
  public Optional<Lease> findLease(String tenant, String identity, int slot) {
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

  @Override
  public boolean replaceLease(Lease current, Lease next) {
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(Items.toItem(next, next.expiresAt() + LEASE_TTL_MARGIN.toSeconds()))
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

  @Override
  public TransitionResult markForDeletion(
      String sandboxId, String tenant, String identity, long now) {
    // an item allocated before tenants existed has no tenant: it is the default tenant's
    String sameTenant =
        Tenant.DEFAULT.equals(tenant)
            ? "(attribute_not_exists(#tenant) OR #tenant = :tenant)"
            : "#tenant = :tenant";
    return conditionalUpdate(
        sandboxId,
        "SET #status = :pending, #drq = :now,"
            + " #version = if_not_exists(#version, :zero) + :one, #lce = :lce",
        "#status = :allocated AND #owner = :owner AND " + sameTenant,
        Map.of(
            "#lce", EventContract.LIFECYCLE_EVENT_ATTRIBUTE,
            "#status", Items.STATUS,
            "#owner", Items.ALLOCATED_TO,
            "#tenant", Items.TENANT,
            "#drq", Items.DELETION_REQUESTED_AT,
            "#version", Items.VERSION),
        Map.of(
            ":pending", s(SandboxStatus.PENDING_DELETION.wireName()),
            ":allocated", s(SandboxStatus.ALLOCATED.wireName()),
            ":owner", s(identity),
            ":lce", s(EventType.SANDBOX_RELEASED.wireName()),
            ":tenant", s(tenant),
            ":now", n(now),
            ":zero", n(0),
            ":one", n(1)));
  }

  @Override
  public List<Sandbox> sandboxesInStatus(SandboxStatus status) {
    List<Sandbox> all = new ArrayList<>();
    forEachSandboxItemInStatus(status, item -> all.add(Items.toSandbox(item)));
    return all;
  }

  /**
   * Reads a status partition of {@code StatusIndex} to the end, page by page; sandbox items only.
   */
  private void forEachSandboxItemInStatus(
      SandboxStatus status, Consumer<Map<String, AttributeValue>> action) {
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page =
          dynamo.query(
              QueryRequest.builder()
                  .tableName(tableName)
                  .indexName(STATUS_INDEX)
                  .keyConditionExpression("#status = :status")
                  .expressionAttributeNames(Map.of("#status", Items.STATUS))
                  .expressionAttributeValues(Map.of(":status", s(status.wireName())))
                  .exclusiveStartKey(start)
                  .build());
      for (Map<String, AttributeValue> item : page.items()) {
        if (Items.str(item, PARTITION_KEY).startsWith(SANDBOX_PK_PREFIX)) {
          action.accept(item);
        }
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
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
            .set(Items.STALE_SINCE, n(now))
            .set(EventContract.LIFECYCLE_EVENT_ATTRIBUTE, s(EventType.SANDBOX_STALE.wireName())));
  }

  @Override
  public TransitionResult reviveStale(Sandbox seen, UpstreamSandbox upstream) {
    return conditionalUpdate(
        seen,
        SandboxStatus.STALE,
        refreshSet(seen, upstream, SandboxStatus.AVAILABLE)
            .set(Items.STALE_SINCE, n(0))
            .set(EventContract.LIFECYCLE_EVENT_ATTRIBUTE, s(EventType.SANDBOX_REVIVED.wireName())));
  }

  @Override
  public TransitionResult expireAllocation(Sandbox seen, long now) {
    if (seen.leaseId().isEmpty() || seen.expiresAt() == 0) {
      // an earlier broker's item: no lease id to match and maybe no expires_at to compare, so the
      // condition is "unchanged since the caller read it and judged it expired"
      return conditionalUpdate(
          seen,
          SandboxStatus.ALLOCATED,
          new SetClause()
              .set(Items.STATUS, s(SandboxStatus.PENDING_DELETION.wireName()))
              .set(Items.DELETION_REQUESTED_AT, n(now)));
    }
    return conditionalUpdate(
        seen.sandboxId(),
        "SET #status = :pending, #drq = :now,"
            + " #version = if_not_exists(#version, :zero) + :one, #lce = :lce",
        "#status = :allocated AND #lease = :lease AND #exp <= :now",
        Map.of(
            "#lce", EventContract.LIFECYCLE_EVENT_ATTRIBUTE,
            "#status", Items.STATUS,
            "#lease", Items.LEASE_ID,
            "#exp", Items.EXPIRES_AT,
            "#drq", Items.DELETION_REQUESTED_AT,
            "#version", Items.VERSION),
        Map.of(
            ":pending", s(SandboxStatus.PENDING_DELETION.wireName()),
            ":allocated", s(SandboxStatus.ALLOCATED.wireName()),
            ":lease", s(seen.leaseId()),
            ":lce", s(EventType.SANDBOX_EXPIRED.wireName()),
            ":now", n(now),
            ":zero", n(0),
            ":one", n(1)));
  }

  @Override
  public boolean purgeStale(Sandbox seen, long staleBefore) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    String condition =
        expectation(seen, SandboxStatus.STALE, names, values) + " AND #since <= :before";
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
  public TransitionResult claimDeletion(Sandbox seen, String runId, long now) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    String condition =
        expectation(seen, SandboxStatus.PENDING_DELETION, names, values)
            + (seen.leaseId().isEmpty()
                ? " AND (attribute_not_exists(#lease) OR #lease = :lease)"
                : " AND #lease = :lease");
    names.put("#lease", Items.LEASE_ID);
    names.put("#run", Items.DELETION_RUN);
    names.put("#claimedAt", Items.DELETION_CLAIMED_AT);
    values.put(":lease", s(seen.leaseId()));
    values.put(":run", s(runId));
    values.put(":now", n(now));
    values.put(":nextVersion", n(seen.version() + 1));
    return conditionalUpdate(
        seen.sandboxId(),
        "SET #version = :nextVersion, #run = :run, #claimedAt = :now",
        condition,
        names,
        values);
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
            .set(TableContract.TTL_ATTRIBUTE, n(ttl))
            .set(EventContract.LIFECYCLE_EVENT_ATTRIBUTE, s(EventType.SANDBOX_DELETED.wireName())));
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
            .set(Items.LAST_ERROR, s(error))
            .set(
                EventContract.LIFECYCLE_EVENT_ATTRIBUTE,
                s(EventType.SANDBOX_DELETION_FAILED.wireName())));
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
      Sandbox seen,
      SandboxStatus expected,
      Map<String, String> names,
      Map<String, AttributeValue> values) {
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
    return conditionalUpdate(seen.sandboxId(), update.toString(), condition, names, values);
  }

  /**
   * One conditional UpdateItem on a sandbox; a failed condition returns the item as it stood. An
   * update that does not set the lifecycle-event marker removes it, so only writes that are events
   * reach the event stream's filter (EventContract).
   */
  private TransitionResult conditionalUpdate(
      String sandboxId,
      String rawUpdate,
      String condition,
      Map<String, String> rawNames,
      Map<String, AttributeValue> values) {
    return conditionalUpdate(sandboxId, rawUpdate, condition, rawNames, values, item -> false);
  }

  /**
   * @param ownChange whether the item a failed condition returns already holds this very call's
   *     change (applied by an earlier attempt of the same call whose answer was lost): then the
   *     call succeeded
   */
  private TransitionResult conditionalUpdate(
      String sandboxId,
      String rawUpdate,
      String condition,
      Map<String, String> rawNames,
      Map<String, AttributeValue> values,
      java.util.function.Predicate<Map<String, AttributeValue>> ownChange) {
    Map<String, String> names = rawNames;
    String update = rawUpdate;
    if (!rawNames.containsValue(EventContract.LIFECYCLE_EVENT_ATTRIBUTE)) {
      names = new HashMap<>(rawNames);
      names.put("#lce", EventContract.LIFECYCLE_EVENT_ATTRIBUTE);
      update = rawUpdate + " REMOVE #lce";
    }
    Map<String, String> finalNames = names;
    String finalUpdate = update;
    try {
      var response =
          dynamo.updateItem(
              b ->
                  b.tableName(tableName)
                      .key(Items.sandboxKey(sandboxId))
                      .updateExpression(finalUpdate)
                      .conditionExpression(condition)
                      .expressionAttributeNames(finalNames)
                      .expressionAttributeValues(values)
                      .returnValues(ReturnValue.ALL_NEW)
                      .returnValuesOnConditionCheckFailure(
                          ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return new TransitionResult(true, Optional.of(Items.toSandbox(response.attributes())));
    } catch (ConditionalCheckFailedException e) {
      return new TransitionResult(e.hasItem() && ownChange.test(e.item()), oldSandbox(e));
    }
  }

  /**
   * The item a failed condition saw, as DynamoDB returns it with {@code
   * ReturnValuesOnConditionCheckFailure=ALL_OLD}; empty when there is no item. (No fallback read:
   * DynamoDB and DynamoDB Local 3.x always return an existing item here.)
   */
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

  // ---- admin API (issue 3) ----

  /**
   * Items read per request while filling a list page: enough that a sparse filter needs few round
   * trips, small enough that one request stays far below DynamoDB's 1 MB page.
   */
  private static final int LIST_BATCH = 200;

  /**
   * The unfiltered listing walks {@code StatusIndex} one status partition after another in this
   * order (key queries, never a Scan: issue 12); its cursor is the last item's index key plus
   * {@link #ALL_STATUSES}, which tells it apart from a one-status listing's cursor.
   */
  private static final List<SandboxStatus> LISTING_ORDER = List.of(SandboxStatus.values());

  private static final String ALL_STATUSES = "all_statuses";
  private final CursorCodec walkCursors =
      new CursorCodec(
          Set.of(
              PARTITION_KEY,
              SORT_KEY,
              STATUS_INDEX_PARTITION_KEY,
              STATUS_INDEX_SORT_KEY,
              ALL_STATUSES));

  @Override
  public Page<Sandbox> listSandboxes(
      com.sandboxbroker.core.store.SandboxFilter filter, Optional<String> cursor, int limit) {
    boolean byStatus = filter.status().isPresent();
    CursorCodec codec = byStatus ? indexCursors : walkCursors;
    Map<String, AttributeValue> start = cursor.map(codec::decode).orElse(null);
    int segment;
    if (byStatus) {
      segment = LISTING_ORDER.indexOf(filter.status().get());
    } else if (start == null) {
      segment = 0;
    } else {
      // a position in the walk: the status partition it is in comes with the cursor
      AttributeValue marker = start.remove(ALL_STATUSES);
      AttributeValue status = start.get(STATUS_INDEX_PARTITION_KEY);
      if (marker == null || status == null || status.s() == null) {
        throw new InvalidCursorException();
      }
      segment =
          LISTING_ORDER.indexOf(
              SandboxStatus.fromWireName(status.s()).orElseThrow(InvalidCursorException::new));
    }
    Map<String, String> names =
        new HashMap<>(Map.of("#pk", PARTITION_KEY, "#status", Items.STATUS));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":sbx", s(SANDBOX_PK_PREFIX)));
    List<String> conditions = new ArrayList<>(List.of("begins_with(#pk, :sbx)"));
    filter
        .lab()
        .ifPresent(
            lab -> {
              names.put("#lab", Items.TRACK_NAME);
              values.put(":lab", s(lab));
              conditions.add("#lab = :lab");
            });
    filter
        .owner()
        .ifPresent(
            owner -> {
              names.put("#owner", Items.ALLOCATED_TO);
              values.put(":owner", s(owner));
              conditions.add("#owner = :owner");
            });
    String filterExpression = String.join(" AND ", conditions);

    List<Sandbox> page = new ArrayList<>(limit);
    boolean firstRequest = true;
    while (true) {
      values.put(":status", s(LISTING_ORDER.get(segment).wireName()));
      List<Map<String, AttributeValue>> items;
      Map<String, AttributeValue> lastEvaluated;
      try {
        QueryResponse r =
            dynamo.query(
                QueryRequest.builder()
                    .tableName(tableName)
                    .indexName(STATUS_INDEX)
                    .keyConditionExpression("#status = :status")
                    .filterExpression(filterExpression)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .exclusiveStartKey(start)
                    .limit(Math.max(limit, LIST_BATCH))
                    .build());
        items = r.items();
        lastEvaluated = r.lastEvaluatedKey();
      } catch (DynamoDbException e) {
        if (firstRequest && cursor.isPresent() && e.statusCode() == 400) {
          throw new InvalidCursorException(); // well-formed, but not a position in this listing
        }
        throw e;
      }
      firstRequest = false;
      boolean more = lastEvaluated != null && !lastEvaluated.isEmpty();
      boolean laterSegments = !byStatus && segment < LISTING_ORDER.size() - 1;
      for (int i = 0; i < items.size(); i++) {
        page.add(Items.toSandbox(items.get(i)));
        if (page.size() == limit) {
          // resume right after the last item returned, which may sit mid-way through a batch
          boolean rest = more || i < items.size() - 1 || laterSegments;
          if (!rest) {
            return new Page<>(page, Optional.empty());
          }
          Map<String, AttributeValue> position = keyOf(items.get(i), true);
          if (!byStatus) {
            position.put(ALL_STATUSES, n(1));
          }
          return new Page<>(page, Optional.of(codec.encode(position)));
        }
      }
      if (more) {
        start = lastEvaluated;
      } else if (laterSegments) {
        segment++;
        start = null;
      } else {
        return new Page<>(page, Optional.empty());
      }
    }
  }

  private static Map<String, AttributeValue> keyOf(
      Map<String, AttributeValue> item, boolean indexed) {
    Map<String, AttributeValue> key = new HashMap<>();
    key.put(PARTITION_KEY, item.get(PARTITION_KEY));
    key.put(SORT_KEY, item.get(SORT_KEY));
    if (indexed) {
      key.put(STATUS_INDEX_PARTITION_KEY, item.get(STATUS_INDEX_PARTITION_KEY));
      key.put(STATUS_INDEX_SORT_KEY, item.get(STATUS_INDEX_SORT_KEY));
    }
    return key;
  }

  @Override
  public Optional<com.sandboxbroker.core.store.AuditedSandbox> findAudited(String sandboxId) {
    var item =
        dynamo
            .getItem(
                b -> b.tableName(tableName).key(Items.sandboxKey(sandboxId)).consistentRead(true))
            .item();
    return item == null || item.isEmpty()
        ? Optional.empty()
        : Optional.of(
            new com.sandboxbroker.core.store.AuditedSandbox(
                Items.toSandbox(item), Items.toAdminActions(item)));
  }

  @Override
  public TransitionResult retryDeletion(
      String sandboxId, com.sandboxbroker.core.sandbox.AdminAction action) {
    return adminTransition(
        sandboxId,
        action,
        "#status = :pending, #attempts = :zero, #next = :zero",
        "#status = :failed",
        Map.of("#attempts", Items.DELETION_ATTEMPTS, "#next", Items.NEXT_ATTEMPT_AT),
        Map.of(":failed", s(SandboxStatus.DELETION_FAILED.wireName())));
  }

  @Override
  public TransitionResult forceRelease(
      String sandboxId, com.sandboxbroker.core.sandbox.AdminAction action) {
    SandboxStatus from = action.fromStatus();
    if (!from.isLive() || from == SandboxStatus.PENDING_DELETION) {
      return new TransitionResult(false, findSandbox(sandboxId));
    }
    return adminTransition(
        sandboxId,
        action,
        "#status = :pending, #drq = :now, #lce = :lce",
        "#status = :from",
        Map.of(
            "#drq", Items.DELETION_REQUESTED_AT, "#lce", EventContract.LIFECYCLE_EVENT_ATTRIBUTE),
        Map.of(
            ":from", s(from.wireName()),
            ":now", n(action.at()),
            ":lce", s(EventType.SANDBOX_FORCE_RELEASED.wireName())));
  }

  /**
   * One conditional UpdateItem: the transition, the version bump and the trail entry together. The
   * trail entry carries a token fresh to this call ({@link Items#ADMIN_REQUEST_TOKEN}): when the
   * SDK retries a write whose answer was lost after DynamoDB applied it, the retry fails its
   * condition on the very change it made, and the item DynamoDB returns with the failure holds this
   * call's token. That is this call's success, not a conflict (issue 13 item 9). Any other request,
   * even the same admin's identical one within the same second, has another token and stays a
   * conflict.
   */
  private TransitionResult adminTransition(
      String sandboxId,
      com.sandboxbroker.core.sandbox.AdminAction action,
      String set,
      String condition,
      Map<String, String> extraNames,
      Map<String, AttributeValue> extraValues) {
    Map<String, String> names = new HashMap<>(extraNames);
    names.put("#status", Items.STATUS);
    names.put("#version", Items.VERSION);
    names.put("#trail", Items.ADMIN_ACTIONS);
    Map<String, AttributeValue> values = new HashMap<>(extraValues);
    values.put(":pending", s(SandboxStatus.PENDING_DELETION.wireName()));
    values.put(":zero", n(0));
    values.put(":one", n(1));
    String requestToken = UUID.randomUUID().toString();
    values.put(":entry", AttributeValue.fromL(List.of(Items.toValue(action, requestToken))));
    values.put(":empty", AttributeValue.fromL(List.of()));
    return conditionalUpdate(
        sandboxId,
        "SET "
            + set
            + ", #version = if_not_exists(#version, :zero) + :one,"
            + " #trail = list_append(if_not_exists(#trail, :empty), :entry)",
        "attribute_exists(#status) AND " + condition,
        names,
        values,
        item -> Items.hasAdminRequestToken(item, requestToken));
  }

  @Override
  public int deleteByStatus(SandboxStatus status) {
    if (status.namesAUsedAccount()) {
      throw new IllegalArgumentException(
          status.wireName() + " records name used accounts; release them instead");
    }
    return deleteFromIndex(status, null, 0);
  }

  @Override
  public int deleteStale(long staleSinceAtOrBefore) {
    return deleteFromIndex(SandboxStatus.STALE, Items.STALE_SINCE, staleSinceAtOrBefore);
  }

  /**
   * Reads the status partition of the index to the end and deletes each sandbox item on the
   * condition that it is still in that status (and, with {@code atOrBeforeAttribute}, old enough);
   * an item that moved on in between is left alone.
   */
  private int deleteFromIndex(SandboxStatus status, String atOrBeforeAttribute, long cutoff) {
    Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":status", s(status.wireName())));
    String condition =
        atOrBeforeAttribute == null
            ? "#status = :status"
            : "#status = :status AND (attribute_not_exists(#at) OR #at <= :cutoff)";
    if (atOrBeforeAttribute != null) {
      names.put("#at", atOrBeforeAttribute);
      values.put(":cutoff", n(cutoff));
    }
    AtomicInteger deleted = new AtomicInteger();
    forEachSandboxItemInStatus(
        status,
        item -> {
          try {
            dynamo.deleteItem(
                b ->
                    b.tableName(tableName)
                        .key(keyOf(item, false))
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values));
            deleted.incrementAndGet();
          } catch (ConditionalCheckFailedException e) {
            // changed since the index read: not ours to delete any more
          }
        });
    return deleted.get();
  }

  // ---- lease extension and lifecycle events (issue 14) ----

  /** A fresh item stamped with the event its insert is (see {@link EventContract}). */
  private static Map<String, AttributeValue> withEvent(
      Map<String, AttributeValue> item, EventType type) {
    Map<String, AttributeValue> stamped = new HashMap<>(item);
    stamped.put(EventContract.LIFECYCLE_EVENT_ATTRIBUTE, s(type.wireName()));
    return stamped;
  }

  /**
   * The sandbox and its lease move to {@code newExpiresAt} in one transaction, so a replay of
   * allocate (which answers from the lease), the owner view and expiry (which read the sandbox)
   * never disagree. The sandbox's condition — still allocated under the same lease, not expired at
   * {@code now}, and {@code expires_at} below the new value — is what makes an extension and expiry
   * (conditional on {@code expires_at <= now}) exclusive, and concurrent extensions monotonic: a
   * lost race is reported, never applied over a later value.
   */
  @Override
  public TransitionResult extendLease(Sandbox seen, long newExpiresAt, long now) {
    var sandboxUpdate =
        software.amazon.awssdk.services.dynamodb.model.Update.builder()
            .tableName(tableName)
            .key(Items.sandboxKey(seen.sandboxId()))
            .updateExpression(
                "SET #exp = :new, #version = if_not_exists(#version, :zero) + :one, #lce = :lce")
            .conditionExpression(
                "#status = :allocated AND #lease = :lease AND #exp > :now AND #exp < :new")
            .expressionAttributeNames(
                Map.of(
                    "#exp", Items.EXPIRES_AT,
                    "#version", Items.VERSION,
                    "#lce", EventContract.LIFECYCLE_EVENT_ATTRIBUTE,
                    "#status", Items.STATUS,
                    "#lease", Items.LEASE_ID))
            .expressionAttributeValues(
                Map.of(
                    ":new", n(newExpiresAt),
                    ":zero", n(0),
                    ":one", n(1),
                    ":lce", s(EventType.SANDBOX_EXTENDED.wireName()),
                    ":allocated", s(SandboxStatus.ALLOCATED.wireName()),
                    ":lease", s(seen.leaseId()),
                    ":now", n(now)))
            .build();
    List<software.amazon.awssdk.services.dynamodb.model.TransactWriteItem> writes =
        new ArrayList<>();
    writes.add(
        software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder()
            .update(sandboxUpdate)
            .build());
    leaseKeyOf(seen)
        .ifPresent(
            leaseKey ->
                writes.add(
                    software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder()
                        .update(
                            software.amazon.awssdk.services.dynamodb.model.Update.builder()
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
                                        ":ttl", n(newExpiresAt + LEASE_TTL_MARGIN.toSeconds()),
                                        ":lease", s(seen.leaseId()),
                                        ":sbx", s(seen.sandboxId())))
                                .build())
                        .build()));
    try {
      dynamo.transactWriteItems(b -> b.transactItems(writes));
    } catch (software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException e) {
      // a condition failed or a concurrent transaction touched an item: decide on a fresh read
      return new TransitionResult(false, findSandbox(seen.sandboxId()));
    }
    return new TransitionResult(true, findSandbox(seen.sandboxId()));
  }

  /**
   * The key of the lease that claimed {@code sandbox}: its owner's lease partition, read to the end
   * (a handful of slots) with a consistent read; empty when no lease names it any more.
   */
  private Optional<Map<String, AttributeValue>> leaseKeyOf(Sandbox sandbox) {
    AttributeValue partition =
        Items.leaseKey(sandbox.tenant(), sandbox.allocatedTo(), 0).get(PARTITION_KEY);
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page =
          dynamo.query(
              QueryRequest.builder()
                  .tableName(tableName)
                  .keyConditionExpression("#pk = :pk")
                  .filterExpression("#lease = :lease AND #sbx = :sbx")
                  .expressionAttributeNames(
                      Map.of(
                          "#pk", PARTITION_KEY, "#lease", Items.LEASE_ID, "#sbx", Items.SANDBOX_ID))
                  .expressionAttributeValues(
                      Map.of(
                          ":pk", partition,
                          ":lease", s(sandbox.leaseId()),
                          ":sbx", s(sandbox.sandboxId())))
                  .consistentRead(true)
                  .exclusiveStartKey(start)
                  .build());
      if (!page.items().isEmpty()) {
        return Optional.of(keyOf(page.items().get(0), false));
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return Optional.empty();
  }
}
