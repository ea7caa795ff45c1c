package com.sandboxbroker.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.util.List;

/**
 * A track token and what it may do.
 *
 * @param token the plain token, or {@code sha256:<hex>} of it (config then holds no secret)
 * @param allowedPrefixes when non-empty, allocations are confined to names starting with one of
 *     these
 * @param defaultPrefix used when a request sends no prefix header; required when several prefixes
 *     are allowed
 * @param lab the lab label this token is bound to, if any
 * @param leaseHours a lease duration for this token's allocations, overriding the default
 */
public record TrackTokenConfig(
    @JsonProperty("name") String name,
    @JsonProperty("token") @NotBlank String token,
    @JsonProperty("allowedPrefixes") List<String> allowedPrefixes,
    @JsonProperty("defaultPrefix") String defaultPrefix,
    @JsonProperty("lab") String lab,
    @JsonProperty("leaseHours") @Positive Integer leaseHours) {

  public TrackTokenConfig {
    allowedPrefixes = allowedPrefixes == null ? List.of() : List.copyOf(allowedPrefixes);
  }
}
