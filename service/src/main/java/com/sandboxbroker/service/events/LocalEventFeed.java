package com.sandboxbroker.service.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.events.EventFilterPattern;
import com.sandboxbroker.core.events.EventInputTemplate;
import io.dropwizard.lifecycle.Managed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Local mode's lifecycle events (contract §8): reads the table's change stream (DynamoDB Local
 * implements the Streams API) and keeps the newest {@code capacity} events in memory, oldest first.
 * Each stream record goes through the deployed pipe's own filter and input template ({@link
 * EventContract}), so a local event is the JSON a subscriber of the bus would get.
 *
 * <p>One poller thread reads every shard, parents before children, from the trim horizon (so a
 * restarted service rebuilds the feed from the stream's 24 h of history) and remembers the last
 * sequence number per shard. An {@code id} is the stream record's {@code eventID}: the same record
 * read twice is kept once.
 */
public final class LocalEventFeed implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(LocalEventFeed.class);

  private final DynamoDbClient dynamo;
  private final DynamoDbStreamsClient streams;
  private final String tableName;
  private final int capacity;
  private final long pollMillis;
  private final EventFilterPattern filter = new EventFilterPattern(EventContract.FILTER_PATTERN);
  private final EventInputTemplate template = new EventInputTemplate(EventContract.INPUT_TEMPLATE);

  private final Deque<ObjectNode> events = new ArrayDeque<>();
  private final Set<String> ids = new HashSet<>();

  /** Per shard: its open iterator (null when it must be fetched), absent once exhausted. */
  private final Map<String, String> iterators = new HashMap<>();

  private final Map<String, String> lastSequence = new HashMap<>();
  private final Set<String> finishedShards = new HashSet<>();
  private ScheduledExecutorService poller;
  private String streamArn;

  public LocalEventFeed(
      DynamoDbClient dynamo,
      DynamoDbStreamsClient streams,
      String tableName,
      int capacity,
      long pollMillis) {
    this.dynamo = dynamo;
    this.streams = streams;
    this.tableName = tableName;
    this.capacity = capacity;
    this.pollMillis = pollMillis;
  }

  @Override
  public void start() {
    streamArn = ensureStream();
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "local-event-feed");
              t.setDaemon(true);
              return t;
            });
    poller.scheduleWithFixedDelay(this::pollSafely, 0, pollMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }

  /**
   * Up to {@code limit} events after the one with id {@code after} (from the oldest kept when
   * {@code after} is empty or no longer kept), oldest first.
   */
  public synchronized List<ObjectNode> page(Optional<String> after, int limit) {
    List<ObjectNode> page = new ArrayList<>(Math.min(limit, events.size()));
    boolean collecting = after.isEmpty() || !ids.contains(after.get());
    for (ObjectNode e : events) {
      if (collecting) {
        if (page.size() == limit) {
          break;
        }
        page.add(e);
      } else if (e.get("id").asText().equals(after.get())) {
        collecting = true;
      }
    }
    return page;
  }

  /** A table created before events existed gets its stream turned on here (local mode only). */
  private String ensureStream() {
    var table = dynamo.describeTable(b -> b.tableName(tableName)).table();
    if (table.latestStreamArn() != null
        && table.streamSpecification() != null
        && Boolean.TRUE.equals(table.streamSpecification().streamEnabled())) {
      return table.latestStreamArn();
    }
    LOG.info("Enabling the change stream of {} for the local event feed", tableName);
    dynamo.updateTable(
        b ->
            b.tableName(tableName)
                .streamSpecification(
                    StreamSpecification.builder()
                        .streamEnabled(true)
                        .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                        .build()));
    return dynamo.describeTable(b -> b.tableName(tableName)).table().latestStreamArn();
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // the next poll resumes from the last sequence number of each shard: nothing is lost
      LOG.warn("Reading the change stream failed: {}", e.toString());
      iterators.replaceAll((shard, it) -> null);
    }
  }

  /** Package-private so tests may drive a poll directly. */
  void poll() {
    List<Shard> shards = new ArrayList<>();
    String start = null;
    do {
      String from = start;
      var description =
          streams
              .describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(from))
              .streamDescription();
      shards.addAll(description.shards());
      start = description.lastEvaluatedShardId();
    } while (start != null);
    Set<String> known = new HashSet<>();
    shards.forEach(s -> known.add(s.shardId()));
    boolean progressed = true;
    while (progressed) {
      progressed = false;
      for (Shard shard : shards) {
        String id = shard.shardId();
        boolean parentPending =
            shard.parentShardId() != null
                && known.contains(shard.parentShardId())
                && !finishedShards.contains(shard.parentShardId());
        if (finishedShards.contains(id) || parentPending) {
          continue;
        }
        if (drain(shard)) {
          finishedShards.add(id);
          progressed = true; // a child may now be read
        }
      }
    }
  }

  /** Reads a shard up to its current end; true when the shard is closed and fully read. */
  private boolean drain(Shard shard) {
    String id = shard.shardId();
    String iterator = iterators.get(id);
    if (iterator == null) {
      String last = lastSequence.get(id);
      iterator =
          streams
              .getShardIterator(
                  b -> {
                    b.streamArn(streamArn).shardId(id);
                    if (last == null) {
                      b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                    } else {
                      b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                          .sequenceNumber(last);
                    }
                  })
              .shardIterator();
    }
    while (iterator != null) {
      String it = iterator;
      GetRecordsResponse response = streams.getRecords(b -> b.shardIterator(it).limit(1000));
      for (Record r : response.records()) {
        accept(r);
        lastSequence.put(id, r.dynamodb().sequenceNumber());
      }
      iterator = response.nextShardIterator();
      if (response.records().isEmpty()) {
        break; // caught up with an open shard (or a closed one: nextShardIterator is then null)
      }
    }
    iterators.put(id, iterator);
    return iterator == null;
  }

  private void accept(Record r) {
    ObjectNode record = StreamRecordJson.of(r);
    if (!filter.matches(record)) {
      return;
    }
    ObjectNode event = template.render(record);
    synchronized (this) {
      if (!ids.add(event.get("id").asText())) {
        return; // at-least-once below us: a record read twice is one event
      }
      events.addLast(event);
      while (events.size() > capacity) {
        ids.remove(events.removeFirst().get("id").asText());
      }
    }
  }
}
