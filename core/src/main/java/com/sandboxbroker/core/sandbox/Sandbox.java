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

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /** A fresh pool member as sync creates it. */
  public static Sandbox available(UpstreamSandbox upstream, long now) {
    return builder(upstream.sandboxId())
        .name(upstream.name())
        .externalId(upstream.externalId())
        .sfdcAccountId(upstream.sfdcAccountId())
        .createdAt(now)
        .lastSeenAt(now)
        .build();
  }

  /** An {@code available} sandbox with this id and every other value unset, to build on. */
  public static Builder builder(String sandboxId) {
    return new Builder(sandboxId);
  }

  /** A builder holding this sandbox's values, to change a few of them by name. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  // ---- transitions, named for what they mean. Each is the new value of the item's fields; the
  // store adds the version bump (see the store's SandboxUpdate and SandboxTransitions).

  /** Claimed under {@code lease}: allocated to its identity and tenant, for its lab and times. */
  public Sandbox claimedUnder(Lease lease) {
    return toBuilder()
        .status(SandboxStatus.ALLOCATED)
        .allocatedTo(lease.identity())
        .tenant(lease.tenant())
        .trackName(lease.trackName())
        .leaseId(lease.leaseId())
        .allocatedAt(lease.allocatedAt())
        .expiresAt(lease.expiresAt())
        .deletionRequestedAt(0)
        .build();
  }

  /** Released (by its owner, expiry or an operator) at {@code now}: the owner stays recorded. */
  public Sandbox releasedAt(long now) {
    return toBuilder().status(SandboxStatus.PENDING_DELETION).deletionRequestedAt(now).build();
  }

  /** The upstream account's current attributes, seen in a listing again (no longer missing). */
  public Sandbox refreshedFrom(UpstreamSandbox upstream) {
    return toBuilder()
        .name(upstream.name())
        .externalId(upstream.externalId())
        .sfdcAccountId(upstream.sfdcAccountId())
        .missingCount(0)
        .staleSince(0)
        .build();
  }

  /** The lease's end moved to {@code newExpiresAt}. */
  public Sandbox extendedTo(long newExpiresAt) {
    return toBuilder().expiresAt(newExpiresAt).build();
  }

  /** The next version of the same values: what every write of the item records. */
  public Sandbox nextVersion() {
    return toBuilder().version(version + 1).build();
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

  /** Builds a sandbox by field name: how code and tests change one without positional copies. */
  public static final class Builder {
    private String sandboxId;
    private String name = "";
    private String externalId = "";
    private String sfdcAccountId = "";
    private SandboxStatus status = SandboxStatus.AVAILABLE;
    private String allocatedTo = "";
    private String trackName = "";
    private String leaseId = "";
    private long allocatedAt;
    private long expiresAt;
    private long deletionRequestedAt;
    private int deletionAttempts;
    private long nextAttemptAt;
    private String lastError = "";
    private long deletedAt;
    private long createdAt;
    private long lastSeenAt;
    private int missingCount;
    private long staleSince;
    private long version;
    private String tenant = Tenant.DEFAULT;

    private Builder(String sandboxId) {
      this.sandboxId = sandboxId;
    }

    private Builder(Sandbox s) {
      this(s.sandboxId);
      name = s.name;
      externalId = s.externalId;
      sfdcAccountId = s.sfdcAccountId;
      status = s.status;
      allocatedTo = s.allocatedTo;
      trackName = s.trackName;
      leaseId = s.leaseId;
      allocatedAt = s.allocatedAt;
      expiresAt = s.expiresAt;
      deletionRequestedAt = s.deletionRequestedAt;
      deletionAttempts = s.deletionAttempts;
      nextAttemptAt = s.nextAttemptAt;
      lastError = s.lastError;
      deletedAt = s.deletedAt;
      createdAt = s.createdAt;
      lastSeenAt = s.lastSeenAt;
      missingCount = s.missingCount;
      staleSince = s.staleSince;
      version = s.version;
      tenant = s.tenant;
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

    public Builder status(SandboxStatus v) {
      status = v;
      return this;
    }

    public Builder allocatedTo(String v) {
      allocatedTo = v;
      return this;
    }

    public Builder trackName(String v) {
      trackName = v;
      return this;
    }

    public Builder leaseId(String v) {
      leaseId = v;
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

    public Builder deletionRequestedAt(long v) {
      deletionRequestedAt = v;
      return this;
    }

    public Builder deletionAttempts(int v) {
      deletionAttempts = v;
      return this;
    }

    public Builder nextAttemptAt(long v) {
      nextAttemptAt = v;
      return this;
    }

    public Builder lastError(String v) {
      lastError = v;
      return this;
    }

    public Builder deletedAt(long v) {
      deletedAt = v;
      return this;
    }

    public Builder createdAt(long v) {
      createdAt = v;
      return this;
    }

    public Builder lastSeenAt(long v) {
      lastSeenAt = v;
      return this;
    }

    public Builder missingCount(int v) {
      missingCount = v;
      return this;
    }

    public Builder staleSince(long v) {
      staleSince = v;
      return this;
    }

    public Builder version(long v) {
      version = v;
      return this;
    }

    public Builder tenant(String v) {
      tenant = v;
      return this;
    }

    public Sandbox build() {
      return new Sandbox(
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
          tenant);
    }
  }
}
