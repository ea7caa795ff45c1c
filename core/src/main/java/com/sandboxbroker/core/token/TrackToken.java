package com.sandboxbroker.core.token;

import java.util.List;
import java.util.Objects;

/**
 * A track token issued at run time (contract §6): its tenant and the policy it carries. The secret
 * is never part of it; the store keys the record by the secret's SHA-256. Strings are never null
 * ({@code ""} when unset); numbers and times are {@code 0} when unset (a policy number then falls
 * back to the service's configuration, a time means "never").
 *
 * @param createdBy the issuing admin token's name
 * @param revokedBy the revoking admin token's name, {@code ""} while live
 * @param lastUsedAt updated at most every few minutes, so it may lag
 */
public record TrackToken(
    String tokenId,
    String tenant,
    String name,
    List<String> allowedPrefixes,
    String defaultPrefix,
    String lab,
    int leaseHours,
    int maxLeaseHours,
    int identityCap,
    long createdAt,
    String createdBy,
    long expiresAt,
    long revokedAt,
    String revokedBy,
    long lastUsedAt) {

  public TrackToken {
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(tenant, "tenant");
    name = name == null ? "" : name;
    allowedPrefixes = allowedPrefixes == null ? List.of() : List.copyOf(allowedPrefixes);
    defaultPrefix = defaultPrefix == null ? "" : defaultPrefix;
    lab = lab == null ? "" : lab;
    createdBy = createdBy == null ? "" : createdBy;
    revokedBy = revokedBy == null ? "" : revokedBy;
  }

  /** Whether the token authenticates at {@code now}: not revoked and not past its expiry. */
  public boolean isUsableAt(long now) {
    return revokedAt == 0 && (expiresAt == 0 || now < expiresAt);
  }

  /** What logs and audit trails call the token: its name, else its id (never the secret). */
  public String label() {
    return name.isEmpty() ? tokenId : name;
  }
}
