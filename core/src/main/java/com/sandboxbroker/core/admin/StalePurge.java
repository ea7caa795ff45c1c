package com.sandboxbroker.core.admin;

import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Removes {@code stale} records that have been stale for at least a grace period (sync marks an
 * account stale once it is missing upstream; the record stays a while for operators to look at).
 * The one purge behind the expiry job and the operator's auto-delete-stale.
 *
 * <p>Each record is removed on the condition that it is still the stale record that was read and
 * still old enough: one that sync revived in between is left alone and counted as a conflict.
 */
public final class StalePurge {
  private final SandboxStore store;
  private final Clock clock;

  public StalePurge(SandboxStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * How many records were removed, and how many changed between the read and the removal.
   *
   * @param purged records removed
   * @param conflicts records that were no longer stale, or no longer old enough, when removed
   */
  public record Outcome(long purged, long conflicts) {}

  /** Purges everything stale for at least {@code grace}, to the end. */
  public Outcome purgeOlderThan(Duration grace) {
    return purgeOlderThan(grace, () -> false);
  }

  /**
   * Purges everything stale for at least {@code grace}, until done or {@code shouldStop} says so (a
   * job's time budget).
   */
  public Outcome purgeOlderThan(Duration grace, BooleanSupplier shouldStop) {
    long staleBefore = clock.instant().getEpochSecond() - grace.toSeconds();
    long purged = 0;
    long conflicts = 0;
    for (Sandbox s : store.sandboxesInStatus(SandboxStatus.STALE)) {
      if (shouldStop.getAsBoolean()) {
        break;
      }
      if (s.staleSince() <= staleBefore) {
        if (store.purgeStale(s, staleBefore)) {
          purged++;
        } else {
          conflicts++;
        }
      }
    }
    return new Outcome(purged, conflicts);
  }
}
