package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.sandboxbroker.core.sandbox.Sandbox;

/** The owner's view of a sandbox (also one row of the admin list); strings are never null. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SandboxResponse(
    String sandboxId,
    String name,
    String externalId,
    String status,
    String allocatedToTrack,
    long allocatedAt,
    long expiresAt,
    String trackName,
    String sfdcAccountId) {

  public static SandboxResponse from(Sandbox s) {
    return new SandboxResponse(
        s.sandboxId(),
        s.name(),
        s.externalId(),
        s.status().wireName(),
        s.allocatedTo(),
        s.allocatedAt(),
        s.expiresAt(),
        s.trackName(),
        s.sfdcAccountId());
  }
}
