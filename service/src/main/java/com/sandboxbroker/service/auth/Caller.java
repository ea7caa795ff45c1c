package com.sandboxbroker.service.auth;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The authenticated caller: which kind of token it presented and what that token is bound to.
 * {@link #getName()} is the token's configured label, never the token itself.
 */
public record Caller(
    String name,
    Role role,
    List<String> allowedPrefixes,
    Optional<String> defaultPrefix,
    Optional<String> lab,
    Optional<Duration> leaseOverride)
    implements Principal {

  /** Token kinds; the names are the role strings used with {@code @RolesAllowed}. */
  public enum Role {
    TRACK,
    ADMIN
  }

  public static final String TRACK = "TRACK";
  public static final String ADMIN = "ADMIN";

  public static Caller track(
      String name,
      List<String> allowedPrefixes,
      Optional<String> defaultPrefix,
      Optional<String> lab,
      Optional<Duration> leaseOverride) {
    return new Caller(name, Role.TRACK, List.copyOf(allowedPrefixes), defaultPrefix, lab, leaseOverride);
  }

  public static Caller admin(String name) {
    return new Caller(name, Role.ADMIN, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
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
