package com.sandboxbroker.core.sandbox;

import java.util.Arrays;
import java.util.Optional;

/** Lifecycle states of a sandbox (api-contract §5), with their stored/wire spelling. */
public enum SandboxStatus {
  AVAILABLE("available"),
  ALLOCATED("allocated"),
  PENDING_DELETION("pending_deletion"),
  DELETION_FAILED("deletion_failed"),
  STALE("stale"),
  DELETED("deleted");

  private final String wireName;

  SandboxStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<SandboxStatus> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }

  /**
   * Whether a record in this status names an account a learner has held (or holds). Such a record
   * leaves the table only as {@code deleted}, after cleanup deleted the account upstream: removed
   * earlier, sync would re-import the still-listed account as {@code available} and hand a used
   * account to a new learner.
   */
  public boolean namesAUsedAccount() {
    return this == ALLOCATED || this == PENDING_DELETION || this == DELETION_FAILED;
  }

  /** Statuses a pool counts: everything except the audit record left after deletion. */
  public boolean isLive() {
    return this != DELETED;
  }
}
