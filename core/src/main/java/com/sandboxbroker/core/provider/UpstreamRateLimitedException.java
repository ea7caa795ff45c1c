package com.sandboxbroker.core.provider;

import java.time.Duration;

/**
 * The upstream answered 429: nothing is wrong with the request, try again after {@link
 * #retryAfter}.
 */
public final class UpstreamRateLimitedException extends UpstreamException {
  private final Duration retryAfter;

  public UpstreamRateLimitedException(Duration retryAfter) {
    super("rate limited (retry after " + retryAfter.toSeconds() + " s)");
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
