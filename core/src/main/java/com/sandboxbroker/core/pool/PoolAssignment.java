package com.sandboxbroker.core.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which pool a sandbox belongs to (contract §9): the first configured pool whose prefix its name
 * starts with, otherwise its name without a trailing {@code -<digits>} ({@code lab-adventure-0086}
 * → {@code lab-adventure}). Decided once, when sync adds the sandbox (or the backfill reaches an
 * older item); changing the configuration later does not move existing sandboxes.
 */
public final class PoolAssignment {
  private static final Pattern TRAILING_NUMBER = Pattern.compile("-[0-9]+$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<PoolDefinition> configured;

  public PoolAssignment(List<PoolDefinition> configured) {
    this.configured = List.copyOf(configured);
    Set<String> names = new HashSet<>();
    for (PoolDefinition p : this.configured) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("pool " + p.name() + " is configured twice");
      }
      if (p.prefix().isEmpty()) {
        throw new IllegalArgumentException("pool " + p.name() + ": prefix must not be empty");
      }
    }
  }

  /** No configured pools: every pool is derived from sandbox names. */
  public static PoolAssignment derivedOnly() {
    return new PoolAssignment(List.of());
  }

  /**
   * Parses the {@code BROKER_POOLS} form: a JSON array of {@code {"name", "prefix", "low_water",
   * "shards"}} ({@code low_water} and {@code shards} optional); blank means none.
   */
  public static PoolAssignment fromJson(String json) {
    if (json == null || json.isBlank()) {
      return derivedOnly();
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("pools: not a JSON array of {name, prefix, low_water}");
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("pools: not a JSON array of {name, prefix, low_water}");
    }
    List<PoolDefinition> pools = new ArrayList<>();
    for (JsonNode p : root) {
      if (!p.path("name").isTextual() || !p.path("prefix").isTextual()) {
        throw new IllegalArgumentException("pools: every entry needs a string name and prefix");
      }
      pools.add(
          new PoolDefinition(
              p.get("name").asText(),
              p.get("prefix").asText(),
              p.path("low_water").asInt(0),
              p.path("shards").asInt(1)));
    }
    return new PoolAssignment(pools);
  }

  /** The {@code BROKER_POOLS} form of the configured pools ({@link #fromJson} reads it back). */
  public String toJson() {
    var array = JSON.createArrayNode();
    for (PoolDefinition p : configured) {
      array
          .addObject()
          .put("name", p.name())
          .put("prefix", p.prefix())
          .put("low_water", p.lowWater())
          .put("shards", p.shards());
    }
    return array.toString();
  }

  public List<PoolDefinition> configured() {
    return configured;
  }

  /** The pool of a sandbox with this name. */
  public String poolOf(String sandboxName) {
    for (PoolDefinition p : configured) {
      if (sandboxName.startsWith(p.prefix())) {
        return p.name();
      }
    }
    return derivedPoolName(sandboxName);
  }

  /** The name without a trailing {@code -<digits>}; the whole name when it has none. */
  public static String derivedPoolName(String sandboxName) {
    String derived = TRAILING_NUMBER.matcher(sandboxName).replaceFirst("");
    // a name that is only "-123" still needs a pool; keep it whole
    String pool = derived.isEmpty() ? sandboxName : derived;
    // '#' separates pool and shard in the index key; control characters never reach a dimension
    pool = pool.replace('#', '_').replaceAll("\\p{Cntrl}", "_");
    if (pool.length() > 255) {
      pool = pool.substring(0, 255);
    }
    return pool.isEmpty() ? "unnamed" : pool;
  }

  public Optional<PoolDefinition> configuredPool(String pool) {
    return configured.stream().filter(p -> p.name().equals(pool)).findFirst();
  }

  /**
   * The definition of a pool: as configured, else derived (members' names start with the pool's
   * name; no low-water mark; one shard).
   */
  public PoolDefinition definitionOf(String pool) {
    return configuredPool(pool).orElseGet(() -> derived(pool));
  }

  private static PoolDefinition derived(String pool) {
    return new PoolDefinition(pool, pool, 0, 1);
  }

  /** The write shard of a sandbox: stable for its id, spread evenly over the pool's shards. */
  public static int shardOf(String sandboxId, int shards) {
    return shards <= 1 ? 0 : Math.floorMod(sandboxId.hashCode(), shards);
  }
}
