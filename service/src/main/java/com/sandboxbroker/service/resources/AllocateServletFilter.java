package com.sandboxbroker.service.resources;

import com.codahale.metrics.Counter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.auth.BearerAuthFilter;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.auth.TokenRegistry;
import com.sandboxbroker.service.errors.ExceptionResponses;
import com.sandboxbroker.service.http.TrackHeaders;
import com.sandboxbroker.service.observability.ApiEvents;
import com.sandboxbroker.service.ratelimit.RateLimitFilter;
import com.sandboxbroker.service.ratelimit.RateLimiter;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.Optional;

/**
 * Serves the allocate requests a lab's setup hook sends, {@code POST <base>/allocate} with a track
 * token and no body, in front of Jersey: authentication, role, rate limit, {@link
 * AllocationResource#answer}, the exception mappers, the API event, and the response written here.
 * Every other request on that path (another method, a body, a missing or unknown token, another
 * role, an {@code Accept} other than none, any or JSON) goes on to Jersey untouched, which stays
 * the reference for the contract's refusals and documents the route.
 *
 * <p>Why: at a class start the service's CPU per allocation was 1.68 times core's {@code Allocator}
 * on the same database, and a JFR profile put most of the request threads' share of that in
 * Jersey's pipeline (routing, the request scope, the filter and interceptor chains, response
 * writing), not in this service's own code. Measured with the same class starts against both
 * builds, serving these requests here took 13–20 % off the service's CPU per allocation (README,
 * "Performance").
 */
public final class AllocateServletFilter implements Filter {
  /** The counter of allocate requests answered here (the rest went on to Jersey). */
  public static final String SERVED = "broker.allocate_served_before_jersey";

  private final TokenRegistry tokens;
  private final RateLimiter limiter;
  private final AllocationResource allocations;
  private final ExceptionResponses exceptions;
  private final ApiEvents events;
  private final ObjectMapper json;
  private final Counter served;

  /**
   * @param limiter the rate limiter Jersey's {@link RateLimitFilter} uses (the same buckets), or
   *     null when rate limiting is off
   * @param served counts the allocate requests answered here rather than by Jersey ({@value
   *     #SERVED})
   */
  public AllocateServletFilter(
      TokenRegistry tokens,
      RateLimiter limiter,
      AllocationResource allocations,
      ExceptionResponses exceptions,
      ApiEvents events,
      ObjectMapper json,
      Counter served) {
    this.tokens = tokens;
    this.limiter = limiter;
    this.allocations = allocations;
    this.exceptions = exceptions;
    this.events = events;
    this.json = json;
    this.served = served;
  }

  /**
   * Puts this filter in front of Jersey on {@code <basePath>/allocate}, after the servlet filters
   * every response has (request id, security headers, error body, CORS).
   */
  public void mountAt(Environment environment, String basePath) {
    environment
        .servlets()
        .addFilter("allocate", this)
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, basePath + "/allocate");
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    long started = System.nanoTime();
    HttpServletRequest request = (HttpServletRequest) req;
    Optional<Caller> caller = plainAllocate(request) ? trackCaller(request) : Optional.empty();
    if (caller.isEmpty()) {
      chain.doFilter(req, res);
      return;
    }
    served.inc();
    HttpServletResponse response = (HttpServletResponse) res;
    RateLimiter.Decision decision =
        limiter == null
            ? null
            : limiter.acquire(
                caller.get().name(), RateLimitFilter.identityKey(name -> header(request, name)));
    Response answer = answer(request, caller.get(), decision);
    write(response, answer, decision);
    events.answered(
        new ApiEvents.Answered(
            ApiEvents.ALLOCATE,
            request.getMethod(),
            "allocate",
            answer.getStatus(),
            answer.getEntity() instanceof ErrorResponse e ? e.detail().code() : null,
            System.nanoTime() - started,
            caller.get(),
            name -> header(request, name)));
  }

  /**
   * A POST without a body whose client takes JSON as hooks send it (no Accept, {@code *}{@code /*}
   * or {@code application/json}); any other Accept is Jersey's to negotiate.
   */
  private static boolean plainAllocate(HttpServletRequest request) {
    if (!"POST".equals(request.getMethod())
        || request.getContentLengthLong() > 0
        || request.getHeader("Transfer-Encoding") != null) {
      return false;
    }
    String accept = header(request, HttpHeaders.ACCEPT);
    return accept == null
        || accept.isBlank()
        || accept.trim().equals("*/*")
        || accept.trim().equals(MediaType.APPLICATION_JSON);
  }

  /**
   * A header as Jersey's {@code getHeaderString} gives it to the filters (the rate limit's key, the
   * API event): repeated values joined with commas.
   */
  private static String header(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    StringBuilder joined = new StringBuilder(values.nextElement());
    while (values.hasMoreElements()) {
      joined.append(',').append(values.nextElement());
    }
    return joined.toString();
  }

  /** The caller of a valid track token; empty leaves every refusal to Jersey. */
  private Optional<Caller> trackCaller(HttpServletRequest request) {
    return BearerAuthFilter.credentials(request.getHeader(HttpHeaders.AUTHORIZATION))
        .flatMap(tokens::authenticate)
        .filter(c -> c.role() == Caller.Role.TRACK);
  }

  private Response answer(
      HttpServletRequest request, Caller caller, RateLimiter.Decision decision) {
    if (decision != null && !decision.allowed()) {
      return RateLimitFilter.refusal(decision);
    }
    try {
      return allocations.answer(
          caller,
          // as Jersey's @HeaderParam: the first value of a repeated header
          request.getHeader(TrackHeaders.IDENTITY),
          request.getHeader(TrackHeaders.LEGACY_IDENTITY),
          request.getHeader(TrackHeaders.LAB),
          request.getHeader(TrackHeaders.NAME_PREFIX),
          request.getHeader(TrackHeaders.IDEMPOTENCY_KEY));
    } catch (RuntimeException e) {
      return exceptions.toResponse(e);
    }
  }

  private void write(HttpServletResponse response, Response answer, RateLimiter.Decision decision)
      throws IOException {
    byte[] body = json.writeValueAsBytes(answer.getEntity());
    response.setStatus(answer.getStatus());
    answer
        .getStringHeaders()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                values.forEach(v -> response.addHeader(name, v));
              }
            });
    // on refusals too, as Jersey's RateLimitFilter does
    if (decision != null) {
      response.setHeader(RateLimitFilter.LIMIT_HEADER, Long.toString(decision.limit()));
      response.setHeader(RateLimitFilter.REMAINING_HEADER, Long.toString(decision.remaining()));
    }
    response.setContentType(MediaType.APPLICATION_JSON);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
