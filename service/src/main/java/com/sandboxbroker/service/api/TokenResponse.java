package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.sandboxbroker.core.token.TrackToken;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A run-time track token's record (contract §6): never the secret, never its hash. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(
    description =
        "A run-time track token. Times are epoch seconds; null means unset (for a policy number: the service's configured default applies; for a time: never).")
public record TokenResponse(
    @Schema(example = "tok_3f9a0c1d2e4b5a6978c1") String tokenId,
    @Schema(
            description = "Identities, Idempotency-Keys and the identity cap are scoped by it",
            example = "adventure")
        String tenant,
    @Schema(description = "Label shown in logs and audit trails; \"\" when not given") String name,
    @Schema(
            description =
                "Allocations are confined to names starting with one of these; empty: any")
        List<String> allowedPrefixes,
    @Schema(description = "Used when a request sends no X-Sandbox-Name-Prefix; \"\" when none")
        String defaultPrefix,
    @Schema(
            description =
                "Lab label recorded on this token's allocations, whatever X-Instruqt-Track-ID says; \"\" when unbound")
        String lab,
    @Schema(description = "Lease of a new allocation, hours", nullable = true) Integer leaseHours,
    @Schema(description = "Bound of a lease extension, hours", nullable = true)
        Integer maxLeaseHours,
    @Schema(description = "Live allocations per identity", nullable = true) Integer identityCap,
    long createdAt,
    @Schema(description = "The issuing admin token's name") String createdBy,
    @Schema(description = "After this the token answers 401", nullable = true) Long expiresAt,
    @Schema(
            description = "Set by DELETE; within 60 s the token answers 401 on every task",
            nullable = true)
        Long revokedAt,
    @Schema(description = "The revoking admin token's name; \"\" while live") String revokedBy,
    @Schema(description = "May lag actual use by minutes", nullable = true) Long lastUsedAt) {

  public static TokenResponse from(TrackToken t) {
    return new TokenResponse(
        t.tokenId(),
        t.tenant(),
        t.name(),
        t.allowedPrefixes(),
        t.defaultPrefix(),
        t.lab(),
        positive(t.leaseHours()),
        positive(t.maxLeaseHours()),
        positive(t.identityCap()),
        t.createdAt(),
        t.createdBy(),
        time(t.expiresAt()),
        time(t.revokedAt()),
        t.revokedBy(),
        time(t.lastUsedAt()));
  }

  static Integer positive(int value) {
    return value > 0 ? value : null;
  }

  static Long time(long value) {
    return value > 0 ? value : null;
  }
}
