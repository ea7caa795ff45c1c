package com.sandboxbroker.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** {@code {"events": [oldest first…], "next": "<id>"|null}} (contract §8). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EventFeedResponse(
    @Schema(
            description =
                "Lifecycle events, oldest first (schema: docs/events/lifecycle-event.schema.json)")
        List<ObjectNode> events,
    @Schema(
            description = "Pass as `after` for the next page; null when this page is empty",
            nullable = true)
        String next) {}
