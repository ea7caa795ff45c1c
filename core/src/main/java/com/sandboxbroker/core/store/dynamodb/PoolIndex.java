package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.POOL_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX_PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.POOL_INDEX_SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.s;
import static com.sandboxbroker.core.store.dynamodb.Items.str;

import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.pool.PoolDefinition;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.InvalidCursorException;
import com.sandboxbroker.core.store.Page;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * The pool side of the table, shared by the sandbox and pool stores: a sandbox's pool keys, the
 * counts per pool, and the candidate read that looks only inside the pools a name prefix selects
 * (the pools themselves are in the {@link PoolRegistry}).
 */
final class PoolIndex {
  /** An unknown prefix re-reads the registry at most this often, whatever callers send. */
  private static final long MISS_RELOAD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final String SEG_START = "seg_start";
  private static final String SEG_OFFSET = "seg_offset";

  private final DynamoDbClient dynamo;
  private final String tableName;
  private final PoolAssignment assignment;
  private final PoolRegistry registry;
  private final StatusIndex statusIndex;
  private final CursorCodec cursors =
      new CursorCodec(
          Set.of(
              PARTITION_KEY,
              SORT_KEY,
              POOL_INDEX_PARTITION_KEY,
              POOL_INDEX_SORT_KEY,
              SEG_START,
              SEG_OFFSET));

  private volatile long lastMissReload = Long.MIN_VALUE / 2;

  PoolIndex(DynamoDbClient dynamo, String tableName, PoolAssignment assignment) {
    this.dynamo = dynamo;
    this.tableName = tableName;
    this.assignment = assignment;
    this.registry = new PoolRegistry(dynamo, tableName, assignment);
    this.statusIndex = new StatusIndex(dynamo, tableName);
  }

  PoolAssignment assignment() {
    return assignment;
  }

  PoolRegistry registry() {
    return registry;
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
    registry.register(def);
    return Map.of(
        POOL_ATTRIBUTE, s(pool),
        POOL_INDEX_PARTITION_KEY,
            s(partitionValue(pool, PoolAssignment.shardOf(sandboxId, def.shards()))));
  }

  /** See {@link PoolRegistry#knownPools(boolean)}. */
  List<PoolDefinition> knownPools(boolean fresh) {
    return registry.knownPools(fresh);
  }

  /**
   * Exact counts of one pool in {@code statuses}: one {@code Select=COUNT} key query per (shard,
   * status), paged to the end. DynamoDB reads only that partition's entries and returns a number.
   */
  Map<SandboxStatus, Long> count(PoolDefinition pool, Set<SandboxStatus> statuses) {
    Map<SandboxStatus, Long> counts = new EnumMap<>(SandboxStatus.class);
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
    QueryRequest request =
        QueryRequest.builder()
            .tableName(tableName)
            .indexName(POOL_INDEX)
            .keyConditionExpression("#ps = :ps AND #status = :status")
            .expressionAttributeNames(
                Map.of("#ps", POOL_INDEX_PARTITION_KEY, "#status", POOL_INDEX_SORT_KEY))
            .expressionAttributeValues(Map.of(":ps", s(partition), ":status", s(status.wireName())))
            .select(Select.COUNT)
            .build();
    long count = 0;
    for (QueryResponse page : dynamo.queryPaginator(request)) {
      count += page.count();
    }
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

  /** Where a candidate read is: the walk's first segment, how far it got, and where in that one. */
  private static final class Walk {
    final int start;
    int offset;
    Map<String, AttributeValue> exclusiveStart;

    Walk(int start, int offset, Map<String, AttributeValue> exclusiveStart) {
      this.start = start;
      this.offset = offset;
      this.exclusiveStart = exclusiveStart;
    }
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
    Walk walk =
        cursor.isPresent()
            ? decode(cursor.get())
            : new Walk(
                segments.isEmpty() ? 0 : ThreadLocalRandom.current().nextInt(segments.size()),
                0,
                null);
    List<Sandbox> items = new ArrayList<>();
    boolean firstRequest = true;
    while (walk.offset < segments.size() && items.size() < limit) {
      Segment segment = segments.get((walk.start + walk.offset) % segments.size());
      if (walk.exclusiveStart != null
          && walk.exclusiveStart.containsKey(POOL_INDEX_PARTITION_KEY)
          && !segment.partition().equals(walk.exclusiveStart.get(POOL_INDEX_PARTITION_KEY).s())) {
        // the known pools changed since this cursor was made (one was registered meanwhile): read
        // the segment from its start rather than fail an allocation on a position elsewhere
        walk.exclusiveStart = null;
      }
      QueryResponse response =
          queryAvailable(
              segment, namePrefix, walk.exclusiveStart, limit - items.size(), firstRequest);
      firstRequest = false;
      response.items().forEach(i -> items.add(Items.toSandbox(i)));
      if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
        walk.exclusiveStart = response.lastEvaluatedKey();
      } else {
        walk.exclusiveStart = null;
        walk.offset++;
      }
    }
    if (walk.offset >= segments.size()) {
      return new Page<>(items, Optional.empty());
    }
    return new Page<>(items, Optional.of(encode(walk)));
  }

  /** One request of a candidate read: the available entries of one segment from a position. */
  private QueryResponse queryAvailable(
      Segment segment,
      String namePrefix,
      Map<String, AttributeValue> exclusiveStart,
      int limit,
      boolean firstRequest) {
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
            .limit(limit);
    if (segment.filter()) {
      names.put("#name", Items.NAME);
      values.put(":prefix", s(namePrefix));
      request.filterExpression("begins_with(#name, :prefix)");
    }
    try {
      return dynamo.query(
          request.expressionAttributeNames(names).expressionAttributeValues(values).build());
    } catch (DynamoDbException e) {
      if (firstRequest && exclusiveStart != null && e.statusCode() == 400) {
        throw new InvalidCursorException(); // a well-formed cursor that is no position here
      }
      throw e;
    }
  }

  private Walk decode(String cursor) {
    Map<String, AttributeValue> decoded = new HashMap<>(cursors.decode(cursor));
    AttributeValue st = decoded.remove(SEG_START);
    AttributeValue off = decoded.remove(SEG_OFFSET);
    if (st == null || off == null || st.n() == null || off.n() == null) {
      throw new InvalidCursorException();
    }
    int start = (int) Long.parseLong(st.n());
    int offset = (int) Long.parseLong(off.n());
    if (start < 0 || offset < 0) {
      throw new InvalidCursorException();
    }
    return new Walk(start, offset, decoded.isEmpty() ? null : decoded);
  }

  private String encode(Walk walk) {
    Map<String, AttributeValue> position = new HashMap<>();
    if (walk.exclusiveStart != null) {
      position.putAll(walk.exclusiveStart);
    }
    position.put(SEG_START, n(walk.start));
    position.put(SEG_OFFSET, n(walk.offset));
    return cursors.encode(position);
  }

  /**
   * Reads each live status partition of {@code StatusIndex}, keeping only sandbox items without a
   * pool, and sets their pool on the condition that they still have none: idempotent, and never
   * moves a sandbox that has a pool. Returns how many it assigned.
   */
  int backfill() {
    StatusIndex.Narrowing withoutPool =
        new StatusIndex.Narrowing(
            "attribute_not_exists(#pool)",
            Map.of(
                "#pool",
                POOL_ATTRIBUTE,
                "#sk",
                SORT_KEY,
                "#id",
                Items.SANDBOX_ID,
                "#name",
                Items.NAME),
            Map.of(),
            "#pk, #sk, #id, #name");
    int assigned = 0;
    for (SandboxStatus status : SandboxStatus.values()) {
      if (!status.isLive()) {
        continue; // deleted audit records are neither counted nor allocated: no pool needed
      }
      for (Map<String, AttributeValue> item : statusIndex.sandboxItems(status, withoutPool)) {
        if (assign(item)) {
          assigned++;
        }
      }
    }
    return assigned;
  }

  /**
   * A backfill is no lifecycle change: the builder removes the event marker, which left in place
   * would repeat the item's last event from the stream.
   */
  private boolean assign(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> pool =
        poolAttributes(str(item, Items.SANDBOX_ID), str(item, Items.NAME));
    return SandboxUpdate.atKey(StatusIndex.tableKeyOf(item))
        .expectExists()
        .condition("attribute_not_exists(#pool)")
        .name("#pool", POOL_ATTRIBUTE)
        .set(POOL_ATTRIBUTE, pool.get(POOL_ATTRIBUTE))
        .set(POOL_INDEX_PARTITION_KEY, pool.get(POOL_INDEX_PARTITION_KEY))
        .apply(dynamo, tableName)
        .applied(); // not applied: gone, or given a pool concurrently; not ours to write
  }
}
