package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.POOL_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.POOL_REGISTRY_PK;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.num;
import static com.sandboxbroker.core.store.dynamodb.Items.s;
import static com.sandboxbroker.core.store.dynamodb.Items.str;

import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.pool.PoolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The registry of known pools ({@code PK = POOLS}, {@code SK = POOL#<pool>}): how pools are found
 * without a Scan. Sync registers a pool before it inserts the pool's first sandbox, so every
 * sandbox's pool is listed. Each process caches the registry for {@link #REGISTRY_TTL_NANOS}.
 */
final class PoolRegistry {
  static final String REGISTRY_SK_PREFIX = "POOL#";
  static final String ITEM_TYPE_POOL = "pool";
  static final String PREFIX = "prefix";
  static final String SHARDS = "shards";
  static final String LOW_WATER = "low_water";
  static final String REGISTERED_AT = "registered_at";

  /** A pool sync registers in another process is visible here within this long. */
  private static final long REGISTRY_TTL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final DynamoDbClient dynamo;
  private final String tableName;
  private final PoolAssignment assignment;

  /** pool → shards this process has registered (so registration costs one write per pool). */
  private final Map<String, Integer> registered = new ConcurrentHashMap<>();

  private volatile List<PoolDefinition> cachedPools = List.of();
  private volatile long cachedAt = Long.MIN_VALUE / 2;

  PoolRegistry(DynamoDbClient dynamo, String tableName, PoolAssignment assignment) {
    this.dynamo = dynamo;
    this.tableName = tableName;
    this.assignment = assignment;
  }

  /**
   * Lists the pool in the registry (idempotent): creates its entry, or raises its recorded shard
   * count. The shard count only ever grows, so readers always cover every shard an item may be in.
   */
  void register(PoolDefinition def) {
    Integer done = registered.get(def.name());
    if (done != null && done >= def.shards()) {
      return;
    }
    // single flight: sync inserts in parallel, and one registry write per pool is enough
    synchronized (registered) {
      done = registered.get(def.name());
      if (done == null || done < def.shards()) {
        writeRegistration(def);
      }
    }
  }

  private void writeRegistration(PoolDefinition def) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(tableName)
                  .key(registryKey(def.name()))
                  .updateExpression(
                      "SET #type = :type, #sv = :sv, #pool = :pool, #shards = :shards,"
                          + " #prefix = if_not_exists(#prefix, :prefix), #at = if_not_exists(#at, :at)")
                  .conditionExpression("attribute_not_exists(#shards) OR #shards < :shards")
                  .expressionAttributeNames(
                      Map.of(
                          "#type",
                          Items.ITEM_TYPE,
                          "#sv",
                          SCHEMA_VERSION_ATTRIBUTE,
                          "#pool",
                          POOL_ATTRIBUTE,
                          "#shards",
                          SHARDS,
                          "#prefix",
                          PREFIX,
                          "#at",
                          REGISTERED_AT))
                  .expressionAttributeValues(
                      Map.of(
                          ":type",
                          s(ITEM_TYPE_POOL),
                          ":sv",
                          n(SCHEMA_VERSION),
                          ":pool",
                          s(def.name()),
                          ":shards",
                          n(def.shards()),
                          ":prefix",
                          s(def.prefix()),
                          ":at",
                          n(System.currentTimeMillis() / 1000))));
      cachedAt = Long.MIN_VALUE / 2; // a new pool: let this process's next read see it
    } catch (ConditionalCheckFailedException e) {
      // listed already, with at least as many shards
    }
    registered.put(def.name(), def.shards());
  }

  static Map<String, AttributeValue> registryKey(String pool) {
    return Map.of(PARTITION_KEY, s(POOL_REGISTRY_PK), SORT_KEY, s(REGISTRY_SK_PREFIX + pool));
  }

  /** The registry's items, read by key to the end. */
  List<Map<String, AttributeValue>> registryItems() {
    QueryRequest request =
        QueryRequest.builder()
            .tableName(tableName)
            .keyConditionExpression("#pk = :pk AND begins_with(#sk, :pool)")
            .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
            .expressionAttributeValues(
                Map.of(":pk", s(POOL_REGISTRY_PK), ":pool", s(REGISTRY_SK_PREFIX)))
            // the registry must list a pool as soon as its first sandbox exists
            .consistentRead(true)
            .build();
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    dynamo.queryPaginator(request).items().forEach(items::add);
    return items;
  }

  /**
   * Every known pool, sorted by name: the registry's and the configured ones. A configured pool's
   * prefix and low-water mark come from the configuration; shards are the most ever registered.
   */
  List<PoolDefinition> knownPools(boolean fresh) {
    long now = System.nanoTime();
    if (!fresh && now - cachedAt < REGISTRY_TTL_NANOS) {
      return cachedPools;
    }
    return knownPools(registryItems(), now);
  }

  /** As {@link #knownPools(boolean)}, from registry items the caller just read. */
  List<PoolDefinition> knownPools(List<Map<String, AttributeValue>> registry, long nanoTime) {
    Map<String, PoolDefinition> pools = new TreeMap<>();
    for (Map<String, AttributeValue> item : registry) {
      String name = str(item, POOL_ATTRIBUTE);
      if (name.isEmpty()) {
        continue;
      }
      PoolDefinition configured = assignment.configuredPool(name).orElse(null);
      int shards = (int) Math.max(1, num(item, SHARDS));
      pools.put(
          name,
          configured != null
              ? new PoolDefinition(
                  name,
                  configured.prefix(),
                  configured.lowWater(),
                  Math.max(shards, configured.shards()))
              : new PoolDefinition(
                  name, str(item, PREFIX).isEmpty() ? name : str(item, PREFIX), 0, shards));
    }
    for (PoolDefinition p : assignment.configured()) {
      pools.putIfAbsent(p.name(), p);
    }
    List<PoolDefinition> list = List.copyOf(pools.values());
    cachedPools = list;
    cachedAt = nanoTime;
    return list;
  }
}
