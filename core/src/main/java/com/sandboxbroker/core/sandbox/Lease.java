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

  /** A lease with every value unset ({@code ""}, {@code 0}, the default tenant), to build on. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this lease's values, to change a few of them by name. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The same lease naming another candidate sandbox (a replay that moves on to the next one). */
  public Lease withCandidate(Sandbox candidate) {
    return toBuilder().candidate(candidate).build();
  }

  /** The same lease written again at {@code nowMillis}: a takeover restarts its in-flight clock. */
  public Lease restampedAt(long nowMillis) {
    return toBuilder().createdAtMillis(nowMillis).build();
  }

  /** The same lease ending at {@code newExpiresAt} (an extension moves it with its sandbox). */
  public Lease extendedTo(long newExpiresAt) {
    return toBuilder().expiresAt(newExpiresAt).build();
  }

  /** Builds a lease by field name: how code and tests change one without positional copies. */
  public static final class Builder {
    private String identity = "";
    private int slot;
    private String idempotencyKey = "";
    private String leaseId = "";
    private String sandboxId = "";
    private String name = "";
    private String externalId = "";
    private String sfdcAccountId = "";
    private String trackName = "";
    private String namePrefix = "";
    private long allocatedAt;
    private long expiresAt;
    private long createdAtMillis;
    private String tenant = Tenant.DEFAULT;

    private Builder() {}

    private Builder(Lease l) {
      identity = l.identity;
      slot = l.slot;
      idempotencyKey = l.idempotencyKey;
      leaseId = l.leaseId;
      sandboxId = l.sandboxId;
      name = l.name;
      externalId = l.externalId;
      sfdcAccountId = l.sfdcAccountId;
      trackName = l.trackName;
      namePrefix = l.namePrefix;
      allocatedAt = l.allocatedAt;
      expiresAt = l.expiresAt;
      createdAtMillis = l.createdAtMillis;
      tenant = l.tenant;
    }

    public Builder identity(String v) {
      identity = v;
      return this;
    }

    public Builder slot(int v) {
      slot = v;
      return this;
    }

    public Builder idempotencyKey(String v) {
      idempotencyKey = v;
      return this;
    }

    public Builder leaseId(String v) {
      leaseId = v;
      return this;
    }

    /**
     * Names {@code candidate}: its id, name and upstream ids, the values a lease repeats so that a
     * replay can answer without reading the sandbox.
     */
    public Builder candidate(Sandbox candidate) {
      return sandboxId(candidate.sandboxId())
          .name(candidate.name())
          .externalId(candidate.externalId())
          .sfdcAccountId(candidate.sfdcAccountId());
    }

    public Builder sandboxId(String v) {
      sandboxId = v;
      return this;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder externalId(String v) {
      externalId = v;
      return this;
    }

    public Builder sfdcAccountId(String v) {
      sfdcAccountId = v;
      return this;
    }

    public Builder trackName(String v) {
      trackName = v;
      return this;
    }

    public Builder namePrefix(String v) {
      namePrefix = v;
      return this;
    }

    public Builder allocatedAt(long v) {
      allocatedAt = v;
      return this;
    }

    public Builder expiresAt(long v) {
      expiresAt = v;
      return this;
    }

    public Builder createdAtMillis(long v) {
      createdAtMillis = v;
      return this;
    }

    public Builder tenant(String v) {
      tenant = v;
      return this;
    }

    /** The lease, through the canonical constructor (which reads a missing tenant as default). */
    public Lease build() {
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
          createdAtMillis,
          tenant);
    }
  }
}
