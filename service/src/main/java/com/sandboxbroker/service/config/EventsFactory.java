package com.sandboxbroker.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.service.events.LocalEventFeed;
import io.dropwizard.lifecycle.setup.LifecycleEnvironment;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Lifecycle events (contract §8). Deployed, an EventBridge Pipe moves the table's stream to the bus
 * and the service does nothing; in local mode the service reads the stream itself and keeps a
 * bounded feed for {@code GET /v1/admin/events} and the dashboard.
 */
public final class EventsFactory {
  /**
   * Whether the service reads the table's stream itself. Unset: in local mode only. {@code true}
   * forces it on outside local mode (tests on a DynamoDB Local endpoint); {@code false} turns it
   * off in local mode too, as deployed, where a Pipe reads the stream and no task does (the
   * benchmark measures the service that way).
   */
  @JsonProperty private Boolean localFeed;

  /** Events kept in memory, newest last; older ones drop off (the bus's archive is the history). */
  @JsonProperty
  @Min(1)
  @Max(1_000_000)
  private int maxEvents = 10_000;

  /** How often the stream is read: the feed's latency. */
  @JsonProperty
  @Min(10)
  @Max(60_000)
  private long pollMillis = 250;

  public boolean localFeed(boolean localMode) {
    return localFeed == null ? localMode : localFeed;
  }

  public int maxEvents() {
    return maxEvents;
  }

  public long pollMillis() {
    return pollMillis;
  }

  /**
   * Local mode: the feed of lifecycle events read from the table's stream, started and stopped with
   * the service (deployed, a Pipe does it and there is no feed).
   */
  public Optional<LocalEventFeed> buildLocalFeed(
      boolean localMode,
      DynamoDbClient dynamo,
      DynamoDbFactory dynamoDb,
      LifecycleEnvironment lifecycle) {
    if (!localFeed(localMode)) {
      return Optional.empty();
    }
    LocalEventFeed feed =
        new LocalEventFeed(
            dynamo, dynamoDb.buildStreams(lifecycle), dynamoDb.tableName(), maxEvents, pollMillis);
    lifecycle.manage(feed);
    return Optional.of(feed);
  }
}
