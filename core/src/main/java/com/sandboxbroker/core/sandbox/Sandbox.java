package com.sandboxbroker.core.sandbox;

import com.sandboxbroker.core.tenant.Tenant;
import java.util.Objects;

/**
 * One sandbox account as the broker knows it. Strings are never null ({@code ""} when unknown) and
 * times are epoch seconds ({@code 0} when unset), so every view can render it without null checks.
 *
 * @param allocatedTo the owning identity, {@code ""} when not allocated
 * @param trackName the lab label given at allocation
 * @param leaseId the lease that claimed it; ties the sandbox to one idempotent allocation
 * @param version incremented by every write; lets a job write only what it read
 * @param tenant the owner's tenant, set on claim; an item without one (never allocated, or
 *     allocated before tenants existed) reads as {@code default}
 */
public record Sandbox(
    String sandboxId,
    String name,
    String externalId,
    String sfdcAccountId,
    SandboxStatus status,
    String allocatedTo,
    String trackName,
    String leaseId,
    long allocatedAt,
    long expiresAt,
    long deletionRequestedAt,
    int deletionAttempts,
    long nextAttemptAt,
    String lastError,
    long deletedAt,
    long createdAt,
    long lastSeenAt,
    int missingCount,
    long staleSince,
    long version,
    String tenant) {

  public Sandbox {
    tenant = Tenant.orDefault(tenant);
    Objects.requireNonNull(sandboxId, "sandboxId");
    Objects.requireNonNull(status, "status");
    name = nonNull(name);
    externalId = nonNull(externalId);
    sfdcAccountId = nonNull(sfdcAccountId);
    allocatedTo = nonNull(allocatedTo);
    trackName = nonNull(trackName);
    leaseId = nonNull(leaseId);
    lastError = nonNull(lastError);
  }

  /** A sandbox of the {@code default} tenant (or never allocated). */
  public Sandbox(
      String sandboxId,
      String name,
      String externalId,
      String sfdcAccountId,
      SandboxStatus status,
      String allocatedTo,
      String trackName,
      String leaseId,
      long allocatedAt,
      long expiresAt,
      long deletionRequestedAt,
      int deletionAttempts,
      long nextAttemptAt,
      String lastError,
      long deletedAt,
      long createdAt,
      long lastSeenAt,
      int missingCount,
      long staleSince,
      long version) {
    this(
        sandboxId,
        name,
        externalId,
        sfdcAccountId,
        status,
        allocatedTo,
        trackName,
        leaseId,
        allocatedAt,
        expiresAt,
        deletionRequestedAt,
        deletionAttempts,
        nextAttemptAt,
        lastError,
        deletedAt,
        createdAt,
        lastSeenAt,
        missingCount,
        staleSince,
        version,
        Tenant.DEFAULT);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /** A fresh pool member as sync creates it. */
  public static Sandbox available(UpstreamSandbox upstream, long now) {
    return new Sandbox(
        upstream.sandboxId(),
        upstream.name(),
        upstream.externalId(),
        upstream.sfdcAccountId(),
        SandboxStatus.AVAILABLE,
        "",
        "",
        "",
        0,
        0,
        0,
        0,
        0,
        "",
        0,
        now,
        now,
        0,
        0,
        0,
        Tenant.DEFAULT);
  }

  /** Held by this identity of the {@code default} tenant. */
  public boolean isHeldBy(String identity) {
    return isHeldBy(Tenant.DEFAULT, identity);
  }

  /** Held by this identity of this tenant: the owner check of every track action. */
  public boolean isHeldBy(String tenant, String identity) {
    return !allocatedTo.isEmpty() && allocatedTo.equals(identity) && this.tenant.equals(tenant);
  }

  /**
   * Whether a caller of {@code tenant} may learn that this sandbox exists: another tenant's sandbox
   * is "not found" to it (contract §6). An unallocated sandbox reads as the default tenant's, which
   * keeps the earlier answer (403) for the compat set-up.
   */
  public boolean isVisibleTo(String tenant) {
    return this.tenant.equals(tenant);
  }

  /** The upstream account's own uuid: the last {@code /} segment of {@code external_id}. */
  public String upstreamUuid() {
    int slash = externalId.lastIndexOf('/');
    return slash < 0 ? externalId : externalId.substring(slash + 1);
  }
}
