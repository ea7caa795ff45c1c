package com.sandboxbroker.service.ratelimit;

import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.errors.ErrorWriter;
import com.sandboxbroker.service.http.TrackHeaders;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Response;
import java.util.function.UnaryOperator;

/**
 * Applies the {@link RateLimiter} to authenticated API requests, after authentication and the role
 * check so that an anonymous flood cannot drain a real caller's bucket. Public routes (the docs)
 * carry no principal and are never limited; health endpoints are outside Jersey altogether.
 */
@Priority(Priorities.AUTHORIZATION + 100)
public final class RateLimitFilter implements ContainerRequestFilter, ContainerResponseFilter {
  public static final String LIMIT_HEADER = "X-RateLimit-Limit";
  public static final String REMAINING_HEADER = "X-RateLimit-Remaining";
  private static final String DECISION = RateLimitFilter.class.getName() + ".decision";

  private final RateLimiter limiter;

  public RateLimitFilter(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    if (request.getSecurityContext() == null
        || !(request.getSecurityContext().getUserPrincipal() instanceof Caller caller)) {
      return;
    }
    RateLimiter.Decision d = limiter.acquire(caller.name(), identityKey(request::getHeaderString));
    request.setProperty(DECISION, d);
    if (!d.allowed()) {
      request.abortWith(refusal(d));
    }
  }

  /** The contract's 429 for a refused request. */
  public static Response refusal(RateLimiter.Decision d) {
    return ErrorWriter.retryable(
        ErrorCode.RATE_LIMIT_EXCEEDED,
        ErrorCode.RATE_LIMIT_EXCEEDED.defaultMessage(),
        (int) Math.min(d.retryAfterSeconds(), Integer.MAX_VALUE),
        null);
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(DECISION) instanceof RateLimiter.Decision d) {
      response.getHeaders().putSingle(LIMIT_HEADER, Long.toString(d.limit()));
      response.getHeaders().putSingle(REMAINING_HEADER, Long.toString(d.remaining()));
    }
  }

  /**
   * The identity as the track sends it ({@code header} looks up the request's headers), bounded so
   * a forged header cannot inflate the key.
   */
  public static String identityKey(UnaryOperator<String> header) {
    String id = header.apply(TrackHeaders.IDENTITY);
    if (id == null || id.isBlank()) {
      id = header.apply(TrackHeaders.LEGACY_IDENTITY);
    }
    if (id == null) {
      return "";
    }
    id = id.trim();
    return id.length() > TrackHeaders.MAX_LENGTH ? id.substring(0, TrackHeaders.MAX_LENGTH) : id;
  }
}
