package com.sandboxbroker.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.core.pool.PoolDefinition;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * One configured pool (contract §9: {@code pools: [{name, prefix, low_water}]}), plus its write
 * shards. Deployed, the list comes from {@code BROKER_POOLS} (JSON, set by the CDK app from the
 * same context that defines each pool's low-water alarm).
 */
public final class PoolSettings {
  /** A CloudWatch dimension value and part of the index key: printable, no '#'. */
  @JsonProperty
  @NotBlank
  @Pattern(regexp = "[A-Za-z0-9._:/-]{1,128}")
  private String name;

  @JsonProperty @NotBlank private String prefix;

  @JsonProperty("low_water")
  @Min(0)
  private int lowWater;

  @JsonProperty
  @Min(1)
  @Max(PoolDefinition.MAX_SHARDS)
  private int shards = 1;

  public PoolDefinition toDefinition() {
    return new PoolDefinition(name, prefix, lowWater, shards);
  }
}
