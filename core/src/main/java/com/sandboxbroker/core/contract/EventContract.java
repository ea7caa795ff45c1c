package com.sandboxbroker.core.contract;

import java.util.Arrays;
import java.util.Optional;

/**
 * Lifecycle events (contract §8), declared once: the store writes the marker attribute, the local
 * feed and the CDK app's EventBridge Pipe both read the table's stream with the same filter and the
 * same input template, so a deployed event and a local one are the same JSON.
 *
 * <p>Why a marker attribute: an EventBridge Pipe cannot compute the type from the old and new
 * images (no conditionals in an input template, no field-to-field comparison in a filter), and one
 * pipe per type would put a dozen readers on a stream that throttles past two. So every write that
 * <em>is</em> an event stamps {@value #LIFECYCLE_EVENT_ATTRIBUTE} with its type, and every other
 * write to the same item removes it: one pipe filters on "marker present" and takes the detail-type
 * from the marker. A write whose condition failed commits nothing, so it has no stream record and
 * no event.
 */
public final class EventContract {
  private EventContract() {}

  /**
   * Set to the event type by a write that is an event; removed by every other write of the item.
   */
  public static final String LIFECYCLE_EVENT_ATTRIBUTE = "lifecycle_event";

  /** {@code source} of every event on the bus. */
  public static final String SOURCE = "sandbox-broker";

  /** The custom bus of a stage. */
  public static String busName(String stage) {
    return "sandbox-broker-" + stage;
  }

  /** The event types of contract §8, by wire name. */
  public enum EventType {
    SANDBOX_ADDED("sandbox.added"),
    SANDBOX_ALLOCATED("sandbox.allocated"),
    SANDBOX_EXTENDED("sandbox.extended"),
    SANDBOX_RELEASED("sandbox.released"),
    SANDBOX_FORCE_RELEASED("sandbox.force_released"),
    SANDBOX_EXPIRED("sandbox.expired"),
    SANDBOX_STALE("sandbox.stale"),
    SANDBOX_REVIVED("sandbox.revived"),
    SANDBOX_DELETED("sandbox.deleted"),
    SANDBOX_DELETION_FAILED("sandbox.deletion_failed"),
    JOB_FINISHED("job.finished"),
    POOL_LOW("pool.low"),
    POOL_RECOVERED("pool.recovered");

    private final String wireName;

    EventType(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
      return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
  }

  /** The pipe's dynamic detail-type: the marker of the new image. */
  public static final String DETAIL_TYPE_PATH =
      "$.dynamodb.NewImage." + LIFECYCLE_EVENT_ATTRIBUTE + ".S";

  /**
   * The pipe's filter (EventBridge pattern syntax) on a DynamoDB stream record: inserts and
   * modifications whose new image carries the marker. Removals (purges, TTL) are never events.
   */
  public static final String FILTER_PATTERN =
      "{\"eventName\":[\"INSERT\",\"MODIFY\"],"
          + "\"dynamodb\":{\"NewImage\":{\""
          + LIFECYCLE_EVENT_ATTRIBUTE
          + "\":{\"S\":[{\"exists\":true}]}}}}";

  /**
   * The pipe's input template (EventBridge Pipes syntax: unquoted {@code <$.path>} placeholders
   * take the JSON value at that path). DynamoDB's stream carries numbers as decimal strings, so
   * epoch times and counts arrive as strings; {@code time} is the record's approximate creation
   * time (epoch seconds, a number); {@code id} is the stream record's eventID, the same on every
   * redelivery. Attributes an item type does not have come out as {@code null}.
   */
  public static final String INPUT_TEMPLATE =
      "{\"id\": <$.eventID>,"
          + " \"type\": <$.dynamodb.NewImage."
          + LIFECYCLE_EVENT_ATTRIBUTE
          + ".S>,"
          + " \"time\": <$.dynamodb.ApproximateCreationDateTime>,"
          + " \"sandbox_id\": <$.dynamodb.NewImage.sandbox_id.S>,"
          + " \"name\": <$.dynamodb.NewImage.name.S>,"
          + " \"pool\": <$.dynamodb.NewImage.pool.S>,"
          + " \"tenant\": <$.dynamodb.NewImage.tenant.S>,"
          + " \"lab\": <$.dynamodb.NewImage.track_name.S>,"
          + " \"identity\": <$.dynamodb.NewImage.allocated_to_track.S>,"
          + " \"status\": <$.dynamodb.NewImage.status.S>,"
          + " \"previous_status\": <$.dynamodb.OldImage.status.S>,"
          + " \"allocated_at\": <$.dynamodb.NewImage.allocated_at.N>,"
          + " \"expires_at\": <$.dynamodb.NewImage.expires_at.N>,"
          + " \"previous_expires_at\": <$.dynamodb.OldImage.expires_at.N>,"
          + " \"job\": <$.dynamodb.NewImage.job.S>,"
          + " \"outcome\": <$.dynamodb.NewImage.outcome.S>,"
          + " \"counts\": <$.dynamodb.NewImage.counts.M>,"
          + " \"execution_arn\": <$.dynamodb.NewImage.execution_arn.S>,"
          + " \"available\": <$.dynamodb.NewImage.available.N>,"
          + " \"low_water\": <$.dynamodb.NewImage.low_water.N>}";
}
