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
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every request an id: the caller's {@code X-Request-ID} when it is 1–128 characters of
 * {@code [A-Za-z0-9._-]}, else a fresh UUID. The id goes on the response, into the logging MDC and
 * into error bodies, so a hook's printed error can be found in the logs.
 */
public final class RequestIdFilter implements Filter {
  public static final String HEADER = "X-Request-ID";
  public static final String MDC_KEY = "request_id";
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String inbound = ((HttpServletRequest) req).getHeader(HEADER);
    String id =
        inbound != null && ACCEPTED.matcher(inbound).matches()
            ? inbound
            : UUID.randomUUID().toString();
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
    return id != null ? id : UUID.randomUUID().toString();
  }
}
