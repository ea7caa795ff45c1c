package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.sandboxbroker.core.sandbox.DeletionMark;

/** Body of {@code mark-for-deletion}: identical on every repeat by the owner. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DeletionMarkResponse(String sandboxId, String status, long deletionRequestedAt) {
  public static DeletionMarkResponse from(DeletionMark m) {
    return new DeletionMarkResponse(m.sandboxId(), m.status().wireName(), m.deletionRequestedAt());
  }
}
