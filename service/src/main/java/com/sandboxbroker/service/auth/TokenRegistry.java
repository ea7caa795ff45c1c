package com.sandboxbroker.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Known tokens, held only as SHA-256 digests. Lookup hashes the presented token and compares it
 * against every configured entry with {@link MessageDigest#isEqual} (constant time) without
 * stopping early, so timing reveals neither a token nor which entry matched. A token no entry
 * matches may still be a run-time token (contract §6), looked up by its hash.
 */
public final class TokenRegistry {
  private static final String HASH_PREFIX = "sha256:";

  /**
   * One digest per thread: {@code MessageDigest.getInstance} walks the security providers on every
   * call, which showed in the allocate path's profile; {@code digest()} resets it for the next use.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(TokenRegistry::newSha256);

  /** A configured token (plain or {@code sha256:<hex>}) and the caller it authenticates. */
  public record Entry(String token, Caller caller) {}

  private record Digested(byte[] digest, Caller caller) {}

  private final List<Digested> entries;
  private final Function<String, Optional<Caller>> runTime;

  public TokenRegistry(List<Entry> configured) {
    this(configured, presented -> Optional.empty());
  }

  private TokenRegistry(List<Entry> configured, Function<String, Optional<Caller>> runTime) {
    this.entries =
        configured.stream().map(e -> new Digested(digestOf(e.token()), e.caller())).toList();
    this.runTime = runTime;
  }

  private TokenRegistry(TokenRegistry configured, Function<String, Optional<Caller>> runTime) {
    this.entries = configured.entries;
    this.runTime = runTime;
  }

  /** This registry, falling back to run-time tokens for a token no configured entry matches. */
  public TokenRegistry withRunTimeTokens(RunTimeTokens tokens) {
    return new TokenRegistry(this, tokens::authenticate);
  }

  public Optional<Caller> authenticate(String presented) {
    byte[] digest = sha256(presented);
    Caller found = null;
    for (Digested e : entries) {
      if (MessageDigest.isEqual(e.digest(), digest) && found == null) {
        found = e.caller();
      }
    }
    return found != null ? Optional.of(found) : runTime.apply(presented);
  }

  private static byte[] digestOf(String configured) {
    if (configured.toLowerCase(Locale.ROOT).startsWith(HASH_PREFIX)) {
      String hex = configured.substring(HASH_PREFIX.length());
      if (hex.length() != 64) {
        throw new IllegalStateException("a sha256: token must have 64 hex digits");
      }
      return HexFormat.of().parseHex(hex);
    }
    return sha256(configured);
  }

  static byte[] sha256(String value) {
    return SHA_256.get().digest(value.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
