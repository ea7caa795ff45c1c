package com.sandboxbroker.core.sandbox;

/**
 * The result of an allocate call.
 *
 * @param created true for a new allocation, false for a replay of a live one
 */
public record Allocation(
    String sandboxId,
    String name,
    String externalId,
    long allocatedAt,
    long expiresAt,
    String sfdcAccountId,
    boolean created) {

  public static Allocation of(Lease lease, boolean created) {
    return new Allocation(
        lease.sandboxId(),
        lease.name(),
        lease.externalId(),
        lease.allocatedAt(),
        lease.expiresAt(),
        lease.sfdcAccountId(),
        created);
  }
}
