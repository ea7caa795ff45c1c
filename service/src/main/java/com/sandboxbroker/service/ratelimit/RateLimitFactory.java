package com.sandboxbroker.service.ratelimit;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;

/**
 * Rate limit settings. Defaults are the contract's (burst 200, refill 50/s per identity); the
 * per-token ceiling is sized so a class of 200 learners starting at once (one allocate each, plus
 * hook retries) stays far below it, because deployed hooks give up on 429.
 */
public final class RateLimitFactory {
  @JsonProperty private boolean enabled = true;

  @JsonProperty
  @Min(1)
  private int burst = 200;

  @JsonProperty
  @Min(1)
  private int refillPerSecond = 50;

  /** Ceiling per token: 25 learners' full bursts at once, refilled at 1,000 requests/s. */
  @JsonProperty
  @Min(1)
  private int tokenBurst = 5_000;

  @JsonProperty
  @Min(1)
  private int tokenRefillPerSecond = 1_000;

  /**
   * Identity buckets held at most: about 430 bytes each with its key (measured by RateLimiterTest),
   * so about 9 MB at the cap. Idle buckets expire after 5 s (full again by then), so the cap only
   * binds for callers inventing identities faster than 4,000/s.
   */
  @JsonProperty
  @Min(100)
  private long maxTrackedIdentities = 20_000;

  public boolean enabled() {
    return enabled;
  }

  public RateLimiter build() {
    return new RateLimiter(
        burst, refillPerSecond, tokenBurst, tokenRefillPerSecond, maxTrackedIdentities);
  }
}
