package com.sandboxbroker.service.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Token buckets per (token, identity) plus a ceiling per token (contract §1). Buckets live in
 * bounded Caffeine caches: an identity bucket idle for longer than it takes to refill completely is
 * full again, so dropping it loses nothing; the size cap bounds memory whatever identities a caller
 * invents (an evicted busy bucket comes back full, and the per-token ceiling still holds such a
 * caller back).
 */
public final class RateLimiter {
  /** What one request got: whether it may proceed, the burst, what is left, when to retry. */
  public record Decision(boolean allowed, long limit, long remaining, long retryAfterSeconds) {}

  private final long burst;
  private final Bandwidth identityLimit;
  private final Bandwidth tokenLimit;
  private final Cache<String, Bucket> identities;
  private final Cache<String, Bucket> tokens;

  public RateLimiter(
      int burst,
      int refillPerSecond,
      int tokenBurst,
      int tokenRefillPerSecond,
      long maxIdentities) {
    this.burst = burst;
    this.identityLimit =
        Bandwidth.builder()
            .capacity(burst)
            .refillGreedy(refillPerSecond, Duration.ofSeconds(1))
            .build();
    this.tokenLimit =
        Bandwidth.builder()
            .capacity(tokenBurst)
            .refillGreedy(tokenRefillPerSecond, Duration.ofSeconds(1))
            .build();
    this.identities =
        Caffeine.newBuilder()
            .maximumSize(maxIdentities)
            .expireAfterAccess(timeToFill(burst, refillPerSecond))
            .build();
    // keyed by configured token names: a handful; bounded all the same
    this.tokens =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(timeToFill(tokenBurst, tokenRefillPerSecond))
            .build();
  }

  /** Takes one request from the identity's bucket and from the token's ceiling. */
  public Decision acquire(String tokenName, String identity) {
    ConsumptionProbe own =
        identities
            .get(
                tokenName + '\u0000' + identity,
                k -> Bucket.builder().addLimit(identityLimit).build())
            .tryConsumeAndReturnRemaining(1);
    if (!own.isConsumed()) {
      return new Decision(false, burst, 0, seconds(own.getNanosToWaitForRefill()));
    }
    ConsumptionProbe ceiling =
        tokens
            .get(tokenName, k -> Bucket.builder().addLimit(tokenLimit).build())
            .tryConsumeAndReturnRemaining(1);
    if (!ceiling.isConsumed()) {
      return new Decision(
          false, burst, own.getRemainingTokens(), seconds(ceiling.getNanosToWaitForRefill()));
    }
    return new Decision(true, burst, own.getRemainingTokens(), 0);
  }

  /** Identity buckets currently held (after pending evictions ran). */
  public long trackedIdentities() {
    identities.cleanUp();
    return identities.estimatedSize();
  }

  private static Duration timeToFill(int capacity, int perSecond) {
    return Duration.ofMillis(1000L * capacity / perSecond + 1000);
  }

  private static long seconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }
}
