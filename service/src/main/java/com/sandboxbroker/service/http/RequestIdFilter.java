package com.sandboxbroker.service.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every request an id: the caller's {@code X-Request-ID} when it is 1–128 characters of
 * {@code [A-Za-z0-9._-]}, else a fresh random UUID. The id goes on the response, into the logging
 * MDC and into error bodies, so a hook's printed error can be found in the logs. It only correlates
 * and guards nothing, so it comes from {@link ThreadLocalRandom}: {@code UUID.randomUUID} draws on
 * the shared {@code SecureRandom} for every request.
 */
public final class RequestIdFilter implements Filter {
  public static final String HEADER = "X-Request-ID";
  public static final String MDC_KEY = "request_id";
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String inbound = ((HttpServletRequest) req).getHeader(HEADER);
    String id = inbound != null && ACCEPTED.matcher(inbound).matches() ? inbound : freshId();
    MDC.put(MDC_KEY, id);
    ((HttpServletResponse) res).setHeader(HEADER, id);
    try {
      chain.doFilter(req, res);
    } finally {
      MDC.remove(MDC_KEY);
    }
  }

  /** The current request's id (a fresh one outside a request, e.g. in Jetty's error path). */
  public static String currentId() {
    String id = MDC.get(MDC_KEY);
    return id != null ? id : freshId();
  }

  /** A version 4 (random) UUID, as {@code UUID.randomUUID} formats it. */
  static String freshId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & ~(0xC0L << 56)) | (0x80L << 56);
    return new UUID(high, low).toString();
  }
}
