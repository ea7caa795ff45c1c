package com.sandboxbroker.service.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The limiter's memory stays bounded whatever identities callers invent. */
class RateLimiterTest {

  @Test
  void memoryStaysBoundedAfterOneHundredThousandDistinctIdentities() {
    int cap = 20_000;
    RateLimiter limiter = new RateLimiter(200, 50, 1_000_000, 1_000_000, cap);
    long before = usedHeap();
    for (int i = 0; i < 100_000; i++) {
      assertThat(limiter.acquire("track-any", "invented-identity-" + i).allowed()).isTrue();
    }
    limiter.trackedIdentities(); // settle evictions before measuring
    long after = usedHeap();
    long tracked =
        limiter.trackedIdentities(); // keeps the limiter reachable through the measurement
    assertThat(tracked).isLessThanOrEqualTo(cap);
    long perBucket = tracked == 0 ? 0 : Math.max(0, after - before) / tracked;
    System.out.printf(
        "rate limiter: %d identity buckets held after 100000 identities, ~%d bytes each, heap delta %d KiB%n",
        tracked, perBucket, Math.max(0, after - before) / 1024);
    // generous: a bucket with its key is a few hundred bytes
    assertThat(Math.max(0, after - before)).isLessThan(64L * 1024 * 1024);
  }

  @Test
  void identitiesAreLimitedSeparatelyAndTheTokenCeilingHolds() {
    RateLimiter limiter = new RateLimiter(3, 1, 5, 1, 1000);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("t", "a").allowed()).isTrue();
    }
    RateLimiter.Decision refused = limiter.acquire("t", "a");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isPositive();
    assertThat(limiter.acquire("t", "b").allowed()).isTrue();
    assertThat(limiter.acquire("t", "c").allowed()).isTrue();
    assertThat(limiter.acquire("t", "d").allowed()).as("token ceiling of 5").isFalse();
    assertThat(limiter.acquire("other", "d").allowed()).isTrue();
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
