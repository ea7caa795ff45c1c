package com.sandboxbroker.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;

/** Body of {@code bulk-delete} and {@code auto-delete-stale} (the latter adds the grace period). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BulkDeleteResponse(
    @Schema(allowableValues = "completed") String status,
    @Schema(description = "Records removed from the table") int deleted,
    long durationMs,
    @Schema(description = "auto-delete-stale only", nullable = true) Integer gracePeriodHours) {}
