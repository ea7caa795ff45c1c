package com.sandboxbroker.service.auth;

import com.sandboxbroker.core.tenant.Tenant;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The authenticated caller: which kind of token it presented and what that token is bound to.
 * {@link #getName()} is the token's configured label, never the token itself.
 *
 * @param tenant the track token's tenant (contract §6): identities are scoped by it
 * @param maxLease the bound of a lease extension (contract §7), when the token sets one
 * @param identityCap live allocations per identity, when the token sets its own
 */
public record Caller(
    String name,
    Role role,
    List<String> allowedPrefixes,
    Optional<String> defaultPrefix,
    Optional<String> lab,
    Optional<Duration> leaseOverride,
    String tenant,
    Optional<Duration> maxLease,
    OptionalInt identityCap)
    implements Principal {

  /** Token kinds; the names are the role strings used with {@code @RolesAllowed}. */
  public enum Role {
    TRACK,
    ADMIN
  }

  public static final String TRACK = "TRACK";
  public static final String ADMIN = "ADMIN";

  /** A track token of the {@code default} tenant (environment and config tokens). */
  public static Caller track(
      String name,
      List<String> allowedPrefixes,
      Optional<String> defaultPrefix,
      Optional<String> lab,
      Optional<Duration> leaseOverride) {
    return track(
        name,
        Tenant.DEFAULT,
        allowedPrefixes,
        defaultPrefix,
        lab,
        leaseOverride,
        Optional.empty(),
        OptionalInt.empty());
  }

  public static Caller track(
      String name,
      String tenant,
      List<String> allowedPrefixes,
      Optional<String> defaultPrefix,
      Optional<String> lab,
      Optional<Duration> leaseOverride,
      Optional<Duration> maxLease,
      OptionalInt identityCap) {
    return new Caller(
        name,
        Role.TRACK,
        List.copyOf(allowedPrefixes),
        defaultPrefix,
        lab,
        leaseOverride,
        tenant,
        maxLease,
        identityCap);
  }

  public static Caller admin(String name) {
    return new Caller(
        name,
        Role.ADMIN,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Tenant.DEFAULT,
        Optional.empty(),
        OptionalInt.empty());
  }

  @Override
  public String getName() {
    return name;
  }

  /** Whether a requested prefix stays within what the token allows (narrowing is fine). */
  public boolean allowsPrefix(String prefix) {
    return allowedPrefixes.isEmpty() || allowedPrefixes.stream().anyMatch(prefix::startsWith);
  }
}
