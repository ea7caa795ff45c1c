package com.sandboxbroker.core.sandbox;

import java.util.Objects;

/**
 * One sandbox account as the broker knows it. Strings are never null ({@code ""} when unknown) and
 * times are epoch seconds ({@code 0} when unset), so every view can render it without null checks.
 *
 * @param allocatedTo the owning identity, {@code ""} when not allocated
 * @param trackName the lab label given at allocation
 * @param leaseId the lease that claimed it; ties the sandbox to one idempotent allocation
 * @param version incremented by every write; lets a job write only what it read
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
    long version) {

  public Sandbox {
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
        0);
  }

  public boolean isHeldBy(String identity) {
    return !allocatedTo.isEmpty() && allocatedTo.equals(identity);
  }

  /** The upstream account's own uuid: the last {@code /} segment of {@code external_id}. */
  public String upstreamUuid() {
    int slash = externalId.lastIndexOf('/');
    return slash < 0 ? externalId : externalId.substring(slash + 1);
  }
}
