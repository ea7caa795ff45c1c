package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.sandboxbroker.core.token.TrackToken;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The answer to issuing a token: the record and, this once, the secret. It is never shown again,
 * never logged and never stored (the table keeps its SHA-256 only).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(
    description = "A newly issued token: its record plus the secret, shown in this response only.")
public record IssuedTokenResponse(
    String tokenId,
    @Schema(description = "The secret for `Authorization: Bearer`; shown once, store it now")
        String token,
    String tenant,
    String name,
    List<String> allowedPrefixes,
    String defaultPrefix,
    String lab,
    @Schema(nullable = true) Integer leaseHours,
    @Schema(nullable = true) Integer maxLeaseHours,
    @Schema(nullable = true) Integer identityCap,
    long createdAt,
    String createdBy,
    @Schema(nullable = true) Long expiresAt,
    @Schema(nullable = true) Long revokedAt,
    String revokedBy,
    @Schema(nullable = true) Long lastUsedAt) {

  public static IssuedTokenResponse from(TrackToken t, String secret) {
    TokenResponse r = TokenResponse.from(t);
    return new IssuedTokenResponse(
        r.tokenId(),
        secret,
        r.tenant(),
        r.name(),
        r.allowedPrefixes(),
        r.defaultPrefix(),
        r.lab(),
        r.leaseHours(),
        r.maxLeaseHours(),
        r.identityCap(),
        r.createdAt(),
        r.createdBy(),
        r.expiresAt(),
        r.revokedAt(),
        r.revokedBy(),
        r.lastUsedAt());
  }

  /** Never print the secret: records print every component by default. */
  @Override
  public String toString() {
    return "IssuedTokenResponse[tokenId=" + tokenId + ", tenant=" + tenant + "]";
  }
}
