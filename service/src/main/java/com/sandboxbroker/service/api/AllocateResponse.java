package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.sandboxbroker.core.sandbox.Allocation;

/** Body of {@code POST /v1/allocate}; every field is read by deployed setup hooks. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AllocateResponse(
    String sandboxId,
    String name,
    String externalId,
    long allocatedAt,
    long expiresAt,
    /* a string, "" when unknown: the deployed setup hook crashes on null */
    String sfdcAccountId) {

  public static AllocateResponse from(Allocation a) {
    return new AllocateResponse(
        a.sandboxId(), a.name(), a.externalId(), a.allocatedAt(), a.expiresAt(), a.sfdcAccountId());
  }
}
