package com.sandboxbroker.service.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;

/**
 * CORS exactly as contract §1 lists it, registered only when origins are configured. Our own filter
 * because Jetty 12 deprecated its CrossOriginFilter and its replacement is a server handler outside
 * the servlet chain Dropwizard gives the application. A preflight is answered here, before
 * authentication (browsers send it without credentials).
 */
public final class CorsFilter implements Filter {
  static final String METHODS = "GET, POST";
  static final String REQUEST_HEADERS =
      "Authorization, Content-Type, X-Track-ID, X-Instruqt-Sandbox-ID, X-Instruqt-Track-ID,"
          + " X-Sandbox-Name-Prefix, Idempotency-Key, X-Request-ID";
  static final String EXPOSED_HEADERS =
      "X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, Retry-After";

  /** Browsers cap this anyway (Chrome: 2 h); 10 min keeps config changes effective quickly. */
  static final String MAX_AGE_SECONDS = "600";

  private final Set<String> allowedOrigins;

  public CorsFilter(Set<String> allowedOrigins) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    String origin = request.getHeader("Origin");
    if (origin == null || !allowedOrigins.contains(origin)) {
      chain.doFilter(req, res);
      return;
    }
    response.setHeader("Access-Control-Allow-Origin", origin);
    response.addHeader("Vary", "Origin");
    if ("OPTIONS".equals(request.getMethod())
        && request.getHeader("Access-Control-Request-Method") != null) {
      response.setHeader("Access-Control-Allow-Methods", METHODS);
      response.setHeader("Access-Control-Allow-Headers", REQUEST_HEADERS);
      response.setHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
      response.setStatus(204);
      return;
    }
    response.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    chain.doFilter(req, res);
  }
}
