package com.sandboxbroker.core.pool;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A pool as configured ({@code pools: [{name, prefix, low_water, shards}]}) or as derived from a
 * sandbox name.
 *
 * @param name the pool's name, stored on each of its sandboxes as {@code pool}
 * @param prefix every member's name starts with it: the configured prefix, or for a derived pool
 *     its own name
 * @param lowWater alarm and {@code pool.low} when fewer than this many are available (0: never)
 * @param shards write shards of the pool's index partition (1 unless one pool's writes could exceed
 *     a partition's limit; see docs/scaling.md)
 */
public record PoolDefinition(String name, String prefix, int lowWater, int shards) {
  /** At most this many shards: 64 × ~500 claims/s is far past any lab's class start. */
  public static final int MAX_SHARDS = 64;

  /** No '#' (the index key's separator), no control characters, bounded (a metric dimension). */
  private static final Pattern NAME = Pattern.compile("[^#\\p{Cntrl}]{1,255}");

  public PoolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(prefix, "prefix");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "pool name must be 1-255 characters, without '#' or control characters");
    }
    if (lowWater < 0) {
      throw new IllegalArgumentException("pool " + name + ": low_water must be >= 0");
    }
    if (shards < 1 || shards > MAX_SHARDS) {
      throw new IllegalArgumentException("pool " + name + ": shards must be in 1.." + MAX_SHARDS);
    }
  }

  /** Whether members of this pool can have names that start with {@code namePrefix}. */
  public boolean mayContain(String namePrefix) {
    return prefix.startsWith(namePrefix) || namePrefix.startsWith(prefix);
  }

  /** Whether every member's name starts with {@code namePrefix} (no filter needed). */
  public boolean allMatch(String namePrefix) {
    return prefix.startsWith(namePrefix);
  }

  /** Whether {@code available} is below this pool's low-water mark. */
  public boolean isLow(long available) {
    return available < lowWater;
  }
}
