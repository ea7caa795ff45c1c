package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.POOL_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX_PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX_SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.POOL_REGISTRY_PK;
import static com.sandboxbroker.core.contract.TableContract.SANDBOX_PK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.num;
import static com.sandboxbroker.core.store.dynamodb.Items.s;
import static com.sandboxbroker.core.store.dynamodb.Items.str;

import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.pool.PoolDefinition;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.InvalidCursorException;
import com.sandboxbroker.core.store.Page;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The pool side of the table, shared by the sandbox and pool stores: a sandbox's pool keys, the
 * registry of known pools ({@code PK = POOLS}, {@code SK = POOL#<pool>}), and the candidate read
 * that looks only inside the pools a name prefix selects.
 *
 * <p>The registry is how pools are found without a Scan: sync registers a pool before it inserts
 * the pool's first sandbox, so every sandbox's pool is listed. Each process caches the registry for
 * {@link #REGISTRY_TTL_NANOS} and re-reads it sooner when a prefix selects nothing.
 */
final class PoolIndex {
  static final String REGISTRY_SK_PREFIX = "POOL#";
  static final String ITEM_TYPE_POOL = "pool";
  static final String PREFIX = "prefix";
  static final String SHARDS = "shards";
  static final String LOW_WATER = "low_water";
  static final String REGISTERED_AT = "registered_at";

  /** A pool sync registers in another process is visible here within this long. */
  private static final long REGISTRY_TTL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** An unknown prefix re-reads the registry at most this often, whatever callers send. */
  private static final long MISS_RELOAD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final String SEG_START = "seg_start";
  private static final String SEG_OFFSET = "seg_offset";

  private final DynamoDbClient dynamo;
  private final String tableName;
  private final PoolAssignment assignment;
  private final CursorCodec cursors =
      new CursorCodec(
          Set.of(
              PARTITION_KEY,
              SORT_KEY,
              POOL_INDEX_PARTITION_KEY,
              POOL_INDEX_SORT_KEY,
              SEG_START,
              SEG_OFFSET));

  /** pool → shards this process has registered (so registration costs one write per pool). */
  private final Map<String, Integer> registered = new ConcurrentHashMap<>();

  private volatile List<PoolDefinition> cachedPools = List.of();
  private volatile long cachedAt = Long.MIN_VALUE / 2;
  private volatile long lastMissReload = Long.MIN_VALUE / 2;

  PoolIndex(DynamoDbClient dynamo, String tableName, PoolAssignment assignment) {
    this.dynamo = dynamo;
    this.tableName = tableName;
    this.assignment = assignment;
  }

  PoolAssignment assignment() {
    return assignment;
  }

  static String partitionValue(String pool, int shard) {
    return pool + "#" + shard;
  }

  /**
   * The pool attributes of a new sandbox item ({@code pool}, {@code pool_shard}); registers the
   * pool first, so no sandbox is ever in a pool the registry does not list.
   */
  Map<String, AttributeValue> poolAttributes(String sandboxId, String sandboxName) {
    String pool = assignment.poolOf(sandboxName);
    PoolDefinition def = assignment.definitionOf(pool);
    register(def);
    return Map.of(
        POOL_ATTRIBUTE, s(pool),
        POOL_INDEX_PARTITION_KEY,
            s(partitionValue(pool, PoolAssignment.shardOf(sandboxId, def.shards()))));
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
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page =
          dynamo.query(
              QueryRequest.builder()
                  .tableName(tableName)
                  .keyConditionExpression("#pk = :pk AND begins_with(#sk, :pool)")
                  .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                  .expressionAttributeValues(
                      Map.of(":pk", s(POOL_REGISTRY_PK), ":pool", s(REGISTRY_SK_PREFIX)))
                  .exclusiveStartKey(start)
                  // the registry must list a pool as soon as its first sandbox exists
                  .consistentRead(true)
                  .build());
      items.addAll(page.items());
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
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

  /**
   * Exact counts of one pool in {@code statuses}: one {@code Select=COUNT} key query per (shard,
   * status), paged to the end. DynamoDB reads only that partition's entries and returns a number.
   */
  Map<SandboxStatus, Long> count(PoolDefinition pool, Set<SandboxStatus> statuses) {
    Map<SandboxStatus, Long> counts = new java.util.EnumMap<>(SandboxStatus.class);
    for (SandboxStatus status : statuses) {
      long count = 0;
      for (int shard = 0; shard < pool.shards(); shard++) {
        count += count(partitionValue(pool.name(), shard), status);
      }
      counts.put(status, count);
    }
    return counts;
  }

  private long count(String partition, SandboxStatus status) {
    long count = 0;
    Map<String, AttributeValue> start = null;
    do {
      QueryResponse page =
          dynamo.query(
              QueryRequest.builder()
                  .tableName(tableName)
                  .indexName(POOL_INDEX)
                  .keyConditionExpression("#ps = :ps AND #status = :status")
                  .expressionAttributeNames(
                      Map.of("#ps", POOL_INDEX_PARTITION_KEY, "#status", POOL_INDEX_SORT_KEY))
                  .expressionAttributeValues(
                      Map.of(":ps", s(partition), ":status", s(status.wireName())))
                  .select(software.amazon.awssdk.services.dynamodb.model.Select.COUNT)
                  .exclusiveStartKey(start)
                  .build());
      count += page.count();
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return count;
  }

  private record Segment(String partition, boolean filter) {}

  private List<Segment> segments(String prefix, List<PoolDefinition> pools) {
    List<Segment> segments = new ArrayList<>();
    for (PoolDefinition p : pools) {
      if (p.mayContain(prefix)) {
        for (int shard = 0; shard < p.shards(); shard++) {
          segments.add(new Segment(partitionValue(p.name(), shard), !p.allMatch(prefix)));
        }
      }
    }
    return segments;
  }

  /**
   * A page of {@code available} sandboxes whose name starts with {@code prefix}, read only from the
   * pools the prefix selects. A read starts at a random (pool, shard) segment and walks them all in
   * turn, so concurrent instances spread over a sharded pool's partitions instead of all draining
   * shard 0 first; the cursor carries the walk's start and position.
   */
  Page<Sandbox> findAvailable(String prefix, Optional<String> cursor, int limit) {
    String namePrefix = prefix == null ? "" : prefix;
    List<Segment> segments = segments(namePrefix, knownPools(false));
    if (segments.isEmpty()
        && cursor.isEmpty()
        && System.nanoTime() - lastMissReload > MISS_RELOAD_NANOS) {
      lastMissReload = System.nanoTime();
      segments = segments(namePrefix, knownPools(true)); // maybe a pool this process has not seen
    }
    int start;
    int offset;
    Map<String, AttributeValue> exclusiveStart = null;
    if (cursor.isPresent()) {
      Map<String, AttributeValue> decoded = new HashMap<>(cursors.decode(cursor.get()));
      AttributeValue st = decoded.remove(SEG_START);
      AttributeValue off = decoded.remove(SEG_OFFSET);
      if (st == null || off == null || st.n() == null || off.n() == null) {
        throw new InvalidCursorException();
      }
      start = (int) Long.parseLong(st.n());
      offset = (int) Long.parseLong(off.n());
      if (start < 0 || offset < 0) {
        throw new InvalidCursorException();
      }
      exclusiveStart = decoded.isEmpty() ? null : decoded;
    } else {
      start = segments.isEmpty() ? 0 : ThreadLocalRandom.current().nextInt(segments.size());
      offset = 0;
    }
    List<Sandbox> items = new ArrayList<>();
    boolean firstRequest = true;
    while (offset < segments.size() && items.size() < limit) {
      Segment segment = segments.get((start + offset) % segments.size());
      if (exclusiveStart != null
          && exclusiveStart.containsKey(POOL_INDEX_PARTITION_KEY)
          && !segment.partition().equals(exclusiveStart.get(POOL_INDEX_PARTITION_KEY).s())) {
        // the known pools changed since this cursor was made (one was registered meanwhile): read
        // the segment from its start rather than fail an allocation on a position elsewhere
        exclusiveStart = null;
      }
      Map<String, String> names =
          new HashMap<>(Map.of("#ps", POOL_INDEX_PARTITION_KEY, "#status", POOL_INDEX_SORT_KEY));
      Map<String, AttributeValue> values =
          new HashMap<>(
              Map.of(
                  ":ps",
                  s(segment.partition()),
                  ":available",
                  s(SandboxStatus.AVAILABLE.wireName())));
      QueryRequest.Builder request =
          QueryRequest.builder()
              .tableName(tableName)
              .indexName(POOL_INDEX)
              .keyConditionExpression("#ps = :ps AND #status = :available")
              .exclusiveStartKey(exclusiveStart)
              .limit(limit - items.size());
      if (segment.filter()) {
        names.put("#name", Items.NAME);
        values.put(":prefix", s(namePrefix));
        request.filterExpression("begins_with(#name, :prefix)");
      }
      QueryResponse response;
      try {
        response =
            dynamo.query(
                request.expressionAttributeNames(names).expressionAttributeValues(values).build());
      } catch (DynamoDbException e) {
        if (firstRequest && exclusiveStart != null && e.statusCode() == 400) {
          throw new InvalidCursorException(); // a well-formed cursor that is no position here
        }
        throw e;
      }
      firstRequest = false;
      response.items().forEach(i -> items.add(Items.toSandbox(i)));
      if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
        exclusiveStart = response.lastEvaluatedKey();
      } else {
        exclusiveStart = null;
        offset++;
      }
    }
    if (offset >= segments.size()) {
      return new Page<>(items, Optional.empty());
    }
    Map<String, AttributeValue> position = new HashMap<>();
    if (exclusiveStart != null) {
      position.putAll(exclusiveStart);
    }
    position.put(SEG_START, n(start));
    position.put(SEG_OFFSET, n(offset));
    return new Page<>(items, Optional.of(cursors.encode(position)));
  }

  /**
   * Reads each live status partition of {@code StatusIndex} (key queries, never a Scan), keeping
   * only sandbox items without a pool, and sets their pool on the condition that they still have
   * none: idempotent, and never moves a sandbox that has a pool. Returns how many it assigned.
   */
  int backfill() {
    int assigned = 0;
    for (SandboxStatus status : SandboxStatus.values()) {
      if (!status.isLive()) {
        continue; // deleted audit records are neither counted nor allocated: no pool needed
      }
      Map<String, AttributeValue> start = null;
      do {
        QueryResponse page =
            dynamo.query(
                QueryRequest.builder()
                    .tableName(tableName)
                    .indexName(STATUS_INDEX)
                    .keyConditionExpression("#status = :status")
                    .filterExpression("attribute_not_exists(#pool) AND begins_with(#pk, :sbx)")
                    .projectionExpression("#pk, #sk, #id, #name")
                    .expressionAttributeNames(
                        Map.of(
                            "#status",
                            Items.STATUS,
                            "#pool",
                            POOL_ATTRIBUTE,
                            "#pk",
                            PARTITION_KEY,
                            "#sk",
                            SORT_KEY,
                            "#id",
                            Items.SANDBOX_ID,
                            "#name",
                            Items.NAME))
                    .expressionAttributeValues(
                        Map.of(":status", s(status.wireName()), ":sbx", s(SANDBOX_PK_PREFIX)))
                    .exclusiveStartKey(start)
                    .build());
        for (Map<String, AttributeValue> item : page.items()) {
          if (assign(item)) {
            assigned++;
          }
        }
        start =
            page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey()
                : null;
      } while (start != null);
    }
    return assigned;
  }

  private boolean assign(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> poolAttributes =
        poolAttributes(str(item, Items.SANDBOX_ID), str(item, Items.NAME));
    try {
      dynamo.updateItem(
          b ->
              b.tableName(tableName)
                  .key(Map.of(PARTITION_KEY, item.get(PARTITION_KEY), SORT_KEY, item.get(SORT_KEY)))
                  // REMOVE the event marker: a backfill is no lifecycle change, and a marker left
                  // in place would repeat the item's last event from the stream (EventContract)
                  .updateExpression("SET #pool = :pool, #ps = :ps REMOVE #lce")
                  .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#pool)")
                  .expressionAttributeNames(
                      Map.of(
                          "#pool", POOL_ATTRIBUTE,
                          "#ps", POOL_INDEX_PARTITION_KEY,
                          "#pk", PARTITION_KEY,
                          "#lce", EventContract.LIFECYCLE_EVENT_ATTRIBUTE))
                  .expressionAttributeValues(
                      Map.of(
                          ":pool", poolAttributes.get(POOL_ATTRIBUTE),
                          ":ps", poolAttributes.get(POOL_INDEX_PARTITION_KEY))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false; // gone, or given a pool concurrently: either way not ours to write
    }
  }
}
