package com.sandboxbroker.service.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.api.EventFeedResponse;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.events.LocalEventFeed;
import com.sandboxbroker.service.observability.ApiAction;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/admin/events} (contract §8): local mode's lifecycle events, oldest first.
 * Deployed, the events are on the EventBridge bus {@code sandbox-broker-<stage>} instead, and this
 * answers 404 EVENT_FEED_NOT_LOCAL.
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.ADMIN)
@Tag(name = "admin", description = "Operator endpoints (admin token)")
public final class EventFeedResource {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;

  /** Stream eventIDs are short; anything far longer is not one. */
  static final int MAX_ID_LENGTH = 128;

  private final Optional<LocalEventFeed> feed;

  public EventFeedResource(Optional<LocalEventFeed> feed) {
    this.feed = feed;
  }

  @GET
  @Path("/events")
  @ApiAction("admin_events")
  @Operation(
      summary = "Lifecycle events (local mode)",
      description =
          "The events of contract §8 read from the table's change stream, oldest first: every"
              + " committed sandbox state change, extension, finished job run and pool low-water"
              + " crossing, once each (an event's id is its stream record's eventID). Pass the"
              + " previous page's `next` as `after` to continue; `next` is null when the page is"
              + " empty (keep your `after` and ask again later). An `after` the feed no longer"
              + " holds (it keeps the newest events only) starts from the oldest it holds. The"
              + " event body is the one the deployed EventBridge Pipe puts on the bus (numbers"
              + " from the table arrive as decimal strings); its JSON Schema is"
              + " docs/events/lifecycle-event.schema.json.")
  @ApiResponse(
      responseCode = "200",
      description = "A page of events",
      content = @Content(schema = @Schema(implementation = EventFeedResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description = "INVALID_LIMIT (not an integer 1–500) or INVALID_AFTER",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "403",
      description = "FORBIDDEN (not an admin token)",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "EVENT_FEED_NOT_LOCAL: deployed, events are on the EventBridge bus",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public EventFeedResponse events(
      @Parameter(description = "The id of the last event already seen") @QueryParam("after")
          String after,
      @Parameter(description = "1–500, default 100") @QueryParam("limit") String limit) {
    LocalEventFeed local =
        feed.orElseThrow(
            () ->
                new ApiException(
                    ErrorCode.EVENT_FEED_NOT_LOCAL,
                    "Events are delivered to the EventBridge bus in this deployment, not kept by the service"));
    int size = limit(limit);
    Optional<String> from = Optional.ofNullable(after).filter(a -> !a.isEmpty());
    if (from.isPresent()
        && (from.get().length() > MAX_ID_LENGTH
            || from.get().chars().anyMatch(Character::isISOControl))) {
      throw new ApiException(ErrorCode.INVALID_AFTER, "after must be an event id");
    }
    List<ObjectNode> events = local.page(from, size);
    String next = events.isEmpty() ? null : events.get(events.size() - 1).get("id").asText();
    return new EventFeedResponse(events, next);
  }

  private static int limit(String raw) {
    if (raw == null || raw.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(raw);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the refusal
    }
    throw new ApiException(ErrorCode.INVALID_LIMIT, "limit must be an integer from 1 to 500");
  }
}
