package com.sandboxbroker.service.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.sandboxbroker.core.token.TokenStore;
import com.sandboxbroker.core.token.TrackToken;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates run-time track tokens (contract §6): the presented secret's SHA-256 is the key of
 * its record, so a lookup is one {@code GetItem}. Each task caches what it read (found or not) for
 * at most {@link #MAX_CACHE_TTL}, so a revocation or an expiry reaches every task within the
 * contract's 60 s whatever the number of tasks, and the table sees at most one read per token per
 * task per TTL. The cache holds hashes, never secrets, and is bounded in size so invented tokens
 * cannot grow it.
 */
public final class RunTimeTokens {
  private static final Logger LOG = LoggerFactory.getLogger(RunTimeTokens.class);

  /** Half the contract's 60 s, leaving the other half for a revocation's write and clock skew. */
  public static final Duration MAX_CACHE_TTL = Duration.ofSeconds(30);

  /** Enough for every live token of a large deployment plus a flood of unknown ones. */
  static final long MAX_CACHED = 10_000;

  /** last_used_at is written at most this often per token per task (contract: it may lag). */
  static final Duration USE_RECORD_INTERVAL = Duration.ofMinutes(5);

  private final TokenStore store;
  private final Clock clock;
  private final Cache<String, Optional<TrackToken>> byHash;
  private final Cache<String, Boolean> recentlyRecorded;

  public RunTimeTokens(TokenStore store, Clock clock, Duration cacheTtl, Ticker ticker) {
    if (cacheTtl.isNegative() || cacheTtl.isZero() || cacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
      throw new IllegalArgumentException("the token cache TTL must be from 1 to 30 seconds");
    }
    this.store = store;
    this.clock = clock;
    this.byHash =
        Caffeine.newBuilder()
            .maximumSize(MAX_CACHED)
            .expireAfterWrite(cacheTtl)
            .ticker(ticker)
            .build();
    this.recentlyRecorded =
        Caffeine.newBuilder()
            .maximumSize(MAX_CACHED)
            .expireAfterWrite(USE_RECORD_INTERVAL)
            .ticker(ticker)
            .build();
  }

  /** The caller a presented secret stands for, if it names a live, unexpired run-time token. */
  public Optional<Caller> authenticate(String presented) {
    String hash = hashOf(presented);
    Optional<TrackToken> token = byHash.get(hash, store::findByHash);
    long now = clock.instant().getEpochSecond();
    if (token.isEmpty() || !token.get().isUsableAt(now)) {
      return Optional.empty();
    }
    recordUse(hash, token.get(), now);
    return Optional.of(callerOf(token.get()));
  }

  /** The hex SHA-256 under which a secret's record is stored. */
  public static String hashOf(String secret) {
    return HexFormat.of().formatHex(TokenRegistry.sha256(secret));
  }

  private void recordUse(String hash, TrackToken token, long now) {
    if (now - token.lastUsedAt() < USE_RECORD_INTERVAL.toSeconds()
        || recentlyRecorded.asMap().putIfAbsent(hash, Boolean.TRUE) != null) {
      return;
    }
    try {
      store.recordUse(hash, now);
    } catch (RuntimeException e) {
      // bookkeeping only: never fail a request over it
      LOG.warn(
          "could not record the use of token {}: {}",
          token.tokenId(),
          e.getClass().getSimpleName());
    }
  }

  static Caller callerOf(TrackToken t) {
    return Caller.track(
        t.label(),
        t.tenant(),
        t.allowedPrefixes(),
        Optional.of(t.defaultPrefix()).filter(p -> !p.isEmpty()),
        Optional.of(t.lab()).filter(l -> !l.isEmpty()),
        t.leaseHours() > 0 ? Optional.of(Duration.ofHours(t.leaseHours())) : Optional.empty(),
        t.maxLeaseHours() > 0 ? Optional.of(Duration.ofHours(t.maxLeaseHours())) : Optional.empty(),
        t.identityCap() > 0 ? OptionalInt.of(t.identityCap()) : OptionalInt.empty());
  }
}
