package com.sandboxbroker.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
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
 * @param tenant the token's tenant (contract §6), {@code default} when not given; moving a token
 *     that already allocated to another tenant orphans its live allocations (see the migration
 *     runbook), so new tenants get run-time tokens instead
 */
public record TrackTokenConfig(
    @JsonProperty("name") String name,
    @JsonProperty("token") @NotBlank String token,
    @JsonProperty("allowedPrefixes") List<String> allowedPrefixes,
    @JsonProperty("defaultPrefix") String defaultPrefix,
    @JsonProperty("lab") String lab,
    @JsonProperty("leaseHours") @Positive Integer leaseHours,
    @JsonProperty("tenant") @Pattern(regexp = "[a-z0-9-]{1,64}") String tenant) {

  public TrackTokenConfig {
    allowedPrefixes = allowedPrefixes == null ? List.of() : List.copyOf(allowedPrefixes);
  }

  /** An unbound token of the default tenant (the environment's {@code BROKER_API_TOKEN}). */
  static TrackTokenConfig unbound(String name, String token) {
    return new TrackTokenConfig(name, token, List.of(), null, null, null, null);
  }
}
