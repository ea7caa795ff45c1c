package com.sandboxbroker.core.testing;

import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.tenant.Tenant;

/**
 * Test leases by what they are: {@code aLease("ann").withKey("k1").withId("L1").naming(s)
 * .from(now).until(now + 3600).build()}. Defaults: slot 0, the identity as its key, no lab or name
 * prefix, the {@code default} tenant.
 */
public final class LeaseFixture {
  private final String identity;
  private int slot;
  private String key;
  private String leaseId;
  private Sandbox candidate = Sandbox.builder("").build();
  private String lab = "";
  private long allocatedAt;
  private long expiresAt;
  private long writtenAtMillis;
  private String tenant = Tenant.DEFAULT;

  private LeaseFixture(String identity) {
    this.identity = identity;
    this.key = identity;
    this.leaseId = "lease-" + identity;
  }

  public static LeaseFixture aLease(String identity) {
    return new LeaseFixture(identity);
  }

  public LeaseFixture inSlot(int slot) {
    this.slot = slot;
    return this;
  }

  public LeaseFixture withKey(String idempotencyKey) {
    this.key = idempotencyKey;
    return this;
  }

  public LeaseFixture withId(String leaseId) {
    this.leaseId = leaseId;
    return this;
  }

  /** Names {@code sandbox} as its candidate (id, name and upstream ids, as the allocator does). */
  public LeaseFixture naming(Sandbox sandbox) {
    this.candidate = sandbox;
    return this;
  }

  public LeaseFixture forLab(String lab) {
    this.lab = lab;
    return this;
  }

  public LeaseFixture from(long allocatedAt) {
    this.allocatedAt = allocatedAt;
    return this;
  }

  public LeaseFixture until(long expiresAt) {
    this.expiresAt = expiresAt;
    return this;
  }

  public LeaseFixture writtenAt(long millis) {
    this.writtenAtMillis = millis;
    return this;
  }

  public LeaseFixture ofTenant(String tenant) {
    this.tenant = tenant;
    return this;
  }

  public Lease build() {
    return Lease.builder()
        .tenant(tenant)
        .identity(identity)
        .slot(slot)
        .idempotencyKey(key)
        .leaseId(leaseId)
        .candidate(candidate)
        .trackName(lab)
        .allocatedAt(allocatedAt)
        .expiresAt(expiresAt)
        .createdAtMillis(writtenAtMillis)
        .build();
  }
}
