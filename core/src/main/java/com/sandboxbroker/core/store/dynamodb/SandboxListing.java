package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.STATUS_INDEX_PARTITION_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.s;

import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.InvalidCursorException;
import com.sandboxbroker.core.store.Page;
import com.sandboxbroker.core.store.SandboxFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The admin listing: pages of sandboxes matching a filter, read from {@code StatusIndex} (one
 * status partition, or all of them one after another), with opaque cursors from {@link
 * CursorCodec}. A page is never short while more items match.
 */
final class SandboxListing {
  /**
   * Items read per request while filling a page: enough that a sparse filter needs few round trips,
   * small enough that one request stays far below DynamoDB's 1 MB page.
   */
  private static final int LIST_BATCH = 200;

  /**
   * The unfiltered listing walks the status partitions in this order; its cursor is the last item's
   * index key plus {@link #ALL_STATUSES}, which tells it apart from a one-status listing's cursor.
   */
  private static final List<SandboxStatus> LISTING_ORDER = List.of(SandboxStatus.values());

  private static final String ALL_STATUSES = "all_statuses";

  private final StatusIndex index;
  private final CursorCodec statusCursors = new CursorCodec(StatusIndex.KEY_ATTRIBUTES);
  private final CursorCodec walkCursors = new CursorCodec(walkKeyAttributes());

  SandboxListing(StatusIndex index) {
    this.index = index;
  }

  private static Set<String> walkKeyAttributes() {
    Set<String> attributes = new HashSet<>(StatusIndex.KEY_ATTRIBUTES);
    attributes.add(ALL_STATUSES);
    return attributes;
  }

  /** Where a listing starts: a status partition and a position in it. */
  private record Position(int segment, Map<String, AttributeValue> start) {}

  Page<Sandbox> list(SandboxFilter filter, Optional<String> cursor, int limit) {
    boolean byStatus = filter.status().isPresent();
    Position at = byStatus ? statusPosition(filter, cursor) : walkPosition(cursor);
    StatusIndex.Narrowing narrowing = narrowing(filter);
    List<Sandbox> page = new ArrayList<>(limit);
    Map<String, AttributeValue> start = at.start();
    for (int segment = at.segment(); ; segment++) {
      boolean laterSegments = !byStatus && segment < LISTING_ORDER.size() - 1;
      boolean first = segment == at.segment();
      var pages =
          index.pages(LISTING_ORDER.get(segment), narrowing, start, Math.max(limit, LIST_BATCH));
      Iterator<QueryResponse> responses = pages.iterator();
      while (responses.hasNext()) {
        QueryResponse response = next(responses, first && cursor.isPresent());
        first = false;
        boolean more = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty();
        List<Map<String, AttributeValue>> items = response.items();
        for (int i = 0; i < items.size(); i++) {
          page.add(Items.toSandbox(items.get(i)));
          if (page.size() == limit) {
            // resume right after the last item returned, which may sit mid-way through a batch
            boolean rest = more || i < items.size() - 1 || laterSegments;
            return new Page<>(page, rest ? Optional.of(cursorAt(items.get(i), byStatus)) : none());
          }
        }
      }
      if (!laterSegments) {
        return new Page<>(page, Optional.empty());
      }
      start = null;
    }
  }

  private static Optional<String> none() {
    return Optional.empty();
  }

  /**
   * The next page of a read. A cursor that decodes but is no position in this listing makes
   * DynamoDB reject the first request (400): the caller's bad cursor, not a failure of ours.
   */
  private static QueryResponse next(Iterator<QueryResponse> responses, boolean fromCursor) {
    try {
      return responses.next();
    } catch (DynamoDbException e) {
      if (fromCursor && e.statusCode() == 400) {
        throw new InvalidCursorException();
      }
      throw e;
    }
  }

  private Position statusPosition(SandboxFilter filter, Optional<String> cursor) {
    return new Position(
        LISTING_ORDER.indexOf(filter.status().get()),
        cursor.map(statusCursors::decode).orElse(null));
  }

  /** A position in the walk: the status partition it is in comes with the cursor. */
  private Position walkPosition(Optional<String> cursor) {
    if (cursor.isEmpty()) {
      return new Position(0, null);
    }
    Map<String, AttributeValue> start = new HashMap<>(walkCursors.decode(cursor.get()));
    AttributeValue marker = start.remove(ALL_STATUSES);
    AttributeValue status = start.get(STATUS_INDEX_PARTITION_KEY);
    if (marker == null || status == null || status.s() == null) {
      throw new InvalidCursorException();
    }
    SandboxStatus in =
        SandboxStatus.fromWireName(status.s()).orElseThrow(InvalidCursorException::new);
    return new Position(LISTING_ORDER.indexOf(in), start);
  }

  private String cursorAt(Map<String, AttributeValue> item, boolean byStatus) {
    Map<String, AttributeValue> position = StatusIndex.indexKeyOf(item);
    if (byStatus) {
      return statusCursors.encode(position);
    }
    position.put(ALL_STATUSES, n(1));
    return walkCursors.encode(position);
  }

  private static StatusIndex.Narrowing narrowing(SandboxFilter filter) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> conditions = new ArrayList<>();
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
    return new StatusIndex.Narrowing(
        conditions.isEmpty() ? null : String.join(" AND ", conditions), names, values, null);
  }
}
