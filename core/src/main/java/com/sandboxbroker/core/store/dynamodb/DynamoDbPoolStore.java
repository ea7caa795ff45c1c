package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.POOL_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.POOL_PK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.POOL_STATE_SK;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.num;
import static com.sandboxbroker.core.store.dynamodb.Items.s;
import static com.sandboxbroker.core.store.dynamodb.Items.str;

import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.pool.PoolDefinition;
import com.sandboxbroker.core.pool.PoolStats;
import com.sandboxbroker.core.pool.PoolStore;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link PoolStore} on the broker's table. Counts are {@code Select=COUNT} key queries on {@code
 * PoolIndex}: DynamoDB reads only the index entries of one (pool, shard, status), which the INCLUDE
 * projection keeps to ~150 bytes each, and returns a number. Published counts live on the pool's
 * registry item ({@code PK = POOLS}, {@code SK = POOL#<pool>}), so every task reads all pools'
 * counts with one small query.
 */
public final class DynamoDbPoolStore implements PoolStore {
  static final String COUNTS = "counts";
  static final String COUNTED_AT_MS = "counted_at_ms";

  // the pool-state item (shared contract: its flips become pool.low / pool.recovered events)
  static final String ITEM_TYPE_POOL_STATE = "pool_state";
  static final String LOW = "low";
  static final String AVAILABLE = "available";
  static final String CHANGED_AT = "changed_at";

  private final DynamoDbClient dynamo;
  private final String tableName;
  private final PoolIndex index;

  /** What this process last published per pool: unchanged counts cost no write. */
  private final Map<String, Map<SandboxStatus, Long>> lastPublished = new ConcurrentHashMap<>();

  public DynamoDbPoolStore(DynamoDbClient dynamo, String tableName, PoolAssignment assignment) {
    this.dynamo = dynamo;
    this.tableName = tableName;
    this.index = new PoolIndex(dynamo, tableName, assignment);
  }

  @Override
  public List<PoolStats> countPools() {
    List<PoolStats> result = new ArrayList<>();
    for (PoolDefinition pool : index.knownPools(true)) {
      result.add(new PoolStats(pool, index.count(pool, LIVE)));
    }
    return result;
  }

  private static final Set<SandboxStatus> LIVE =
      EnumSet.copyOf(Arrays.stream(SandboxStatus.values()).filter(SandboxStatus::isLive).toList());

  @Override
  public void publish(List<PoolStats> counts, long countedAtMillis) {
    for (PoolStats stats : counts) {
      if (stats.counts().equals(lastPublished.get(stats.pool()))) {
        continue;
      }
      Map<String, AttributeValue> byStatus = new HashMap<>();
      stats.counts().forEach((status, n) -> byStatus.put(status.wireName(), n(n)));
      try {
        dynamo.updateItem(
            b ->
                b.tableName(tableName)
                    .key(PoolRegistry.registryKey(stats.pool()))
                    .updateExpression(
                        "SET #counts = :counts, #at = :at, #type = :type, #sv = :sv, #pool = :pool,"
                            + " #prefix = if_not_exists(#prefix, :prefix), #shards = if_not_exists(#shards, :shards)")
                    // a refresher whose lock expired mid-count never overwrites newer counts
                    .conditionExpression("attribute_not_exists(#at) OR #at < :at")
                    .expressionAttributeNames(
                        Map.of(
                            "#counts",
                            COUNTS,
                            "#at",
                            COUNTED_AT_MS,
                            "#type",
                            Items.ITEM_TYPE,
                            "#sv",
                            SCHEMA_VERSION_ATTRIBUTE,
                            "#pool",
                            POOL_ATTRIBUTE,
                            "#prefix",
                            PoolRegistry.PREFIX,
                            "#shards",
                            PoolRegistry.SHARDS))
                    .expressionAttributeValues(
                        Map.of(
                            ":counts",
                            AttributeValue.fromM(byStatus),
                            ":at",
                            n(countedAtMillis),
                            ":type",
                            s(PoolRegistry.ITEM_TYPE_POOL),
                            ":sv",
                            n(SCHEMA_VERSION),
                            ":pool",
                            s(stats.pool()),
                            ":prefix",
                            s(stats.definition().prefix()),
                            ":shards",
                            n(stats.definition().shards()))));
        lastPublished.put(stats.pool(), stats.counts());
      } catch (ConditionalCheckFailedException e) {
        lastPublished.remove(stats.pool()); // someone published newer counts; write ours next time
      }
    }
  }

  @Override
  public List<PoolStats> published() {
    List<PoolStats> result = new ArrayList<>();
    Map<String, Map<String, AttributeValue>> byPool = new HashMap<>();
    List<Map<String, AttributeValue>> registry = index.registry().registryItems();
    for (Map<String, AttributeValue> item : registry) {
      byPool.put(str(item, POOL_ATTRIBUTE), item);
    }
    for (PoolDefinition pool : index.registry().knownPools(registry, System.nanoTime())) {
      Map<SandboxStatus, Long> counts = new EnumMap<>(SandboxStatus.class);
      Map<String, AttributeValue> item = byPool.get(pool.name());
      if (item != null && item.containsKey(COUNTS) && item.get(COUNTS).hasM()) {
        Map<String, AttributeValue> m = item.get(COUNTS).m();
        for (SandboxStatus status : SandboxStatus.values()) {
          if (status.isLive()) {
            counts.put(status, num(m, status.wireName()));
          }
        }
      }
      result.add(new PoolStats(pool, counts));
    }
    return result;
  }

  static Map<String, AttributeValue> stateKey(String pool) {
    return Map.of(PARTITION_KEY, s(POOL_PK_PREFIX + pool), SORT_KEY, s(POOL_STATE_SK));
  }

  @Override
  public Optional<Boolean> isLow(String pool) {
    var item =
        dynamo.getItem(b -> b.tableName(tableName).key(stateKey(pool)).consistentRead(true)).item();
    if (item == null || item.isEmpty() || !item.containsKey(LOW) || item.get(LOW).bool() == null) {
      return Optional.empty();
    }
    return Optional.of(item.get(LOW).bool());
  }

  @Override
  public boolean recordLowWaterFlip(
      String pool, boolean low, long available, long lowWater, long nowSeconds) {
    Map<String, AttributeValue> item = new HashMap<>(stateKey(pool));
    item.put(Items.ITEM_TYPE, s(ITEM_TYPE_POOL_STATE));
    item.put(SCHEMA_VERSION_ATTRIBUTE, n(SCHEMA_VERSION));
    item.put(POOL_ATTRIBUTE, s(pool));
    item.put(LOW, AttributeValue.fromBool(low));
    item.put(AVAILABLE, n(available));
    item.put(PoolRegistry.LOW_WATER, n(lowWater));
    item.put(CHANGED_AT, n(nowSeconds));
    // each flip is one pool.low / pool.recovered event on the stream (EventContract)
    item.put(
        EventContract.LIFECYCLE_EVENT_ATTRIBUTE,
        s(
            (low ? EventContract.EventType.POOL_LOW : EventContract.EventType.POOL_RECOVERED)
                .wireName()));
    // the first write is always a flip to low: a pool with no state item has never been low
    String condition = low ? "attribute_not_exists(#pk) OR #low = :previous" : "#low = :previous";
    Map<String, String> names =
        low ? Map.of("#pk", PARTITION_KEY, "#low", LOW) : Map.of("#low", LOW);
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(item)
                  .conditionExpression(condition)
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(Map.of(":previous", AttributeValue.fromBool(!low))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** See {@link PoolIndex#backfill()}. */
  @Override
  public int backfill() {
    return index.backfill();
  }
}
