package com.sandboxbroker.core.sandbox;

import com.sandboxbroker.core.tenant.Tenant;

/**
 * An identity's reservation of one allocation slot, keyed by identity and slot so that a retry or a
 * concurrent duplicate finds it with a strongly consistent single-item read (the earlier broker
 * went through an eventually consistent index and could hand out two sandboxes).
 *
 * <p>A lease is written <em>before</em> the sandbox claim and names its candidate; the claim then
 * stamps {@code leaseId} on the sandbox. The sandbox item is the truth: the lease is live exactly
 * while its sandbox is {@code allocated} under this {@code leaseId} and not expired. A crash
 * between the two writes leaves a pending lease that the next replay completes.
 *
 * @param allocatedAt decided once when the lease is created, so every replay returns the same body
 * @param createdAtMillis when the lease was written; bounds how long a pending lease may be in
 *     flight
 * @param tenant the tenant of the token that allocated: part of the lease's key, so the same
 *     identity under two tenants is two learners (contract §6)
 */
public record Lease(
    String identity,
    int slot,
    String idempotencyKey,
    String leaseId,
    String sandboxId,
    String name,
    String externalId,
    String sfdcAccountId,
    String trackName,
    String namePrefix,
    long allocatedAt,
    long expiresAt,
    long createdAtMillis,
    String tenant) {

  public Lease {
    tenant = Tenant.orDefault(tenant);
  }

  /** A lease of the {@code default} tenant (every lease written before tenants existed). */
  public Lease(
      String identity,
      int slot,
      String idempotencyKey,
      String leaseId,
      String sandboxId,
      String name,
      String externalId,
      String sfdcAccountId,
      String trackName,
      String namePrefix,
      long allocatedAt,
      long expiresAt,
      long createdAtMillis) {
    this(
        identity,
        slot,
        idempotencyKey,
        leaseId,
        sandboxId,
        name,
        externalId,
        sfdcAccountId,
        trackName,
        namePrefix,
        allocatedAt,
        expiresAt,
        createdAtMillis,
        Tenant.DEFAULT);
  }

  /** The same lease naming another candidate sandbox (a replay that moves on to the next one). */
  public Lease withCandidate(Sandbox candidate) {
    return new Lease(
        identity,
        slot,
        idempotencyKey,
        leaseId,
        candidate.sandboxId(),
        candidate.name(),
        candidate.externalId(),
        candidate.sfdcAccountId(),
        trackName,
        namePrefix,
        allocatedAt,
        expiresAt,
        createdAtMillis,
        tenant);
  }

  /** The same lease written again at {@code nowMillis}: a takeover restarts its in-flight clock. */
  public Lease restampedAt(long nowMillis) {
    return new Lease(
        identity,
        slot,
        idempotencyKey,
        leaseId,
        sandboxId,
        name,
        externalId,
        sfdcAccountId,
        trackName,
        namePrefix,
        allocatedAt,
        expiresAt,
        nowMillis,
        tenant);
  }

  /** The same lease ending at {@code newExpiresAt} (an extension moves it with its sandbox). */
  public Lease extendedTo(long newExpiresAt) {
    return new Lease(
        identity,
        slot,
        idempotencyKey,
        leaseId,
        sandboxId,
        name,
        externalId,
        sfdcAccountId,
        trackName,
        namePrefix,
        allocatedAt,
        newExpiresAt,
        createdAtMillis,
        tenant);
  }
}
