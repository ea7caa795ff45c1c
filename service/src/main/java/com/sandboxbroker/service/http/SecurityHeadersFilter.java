package com.sandboxbroker.service.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract's security headers on every response, set before the chain runs so that error
 * responses carry them too. The Content-Security-Policy is strict everywhere except the pages that
 * need scripts and styles of their own (the Swagger UI and the dashboard).
 */
public final class SecurityHeadersFilter implements Filter {
  static final String STRICT_CSP = "default-src 'none'; frame-ancestors 'none'";
  static final String PAGE_CSP =
      "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'";

  /** {@link #strictHeaders()}, built once: a map per request showed in the allocate profile. */
  private static final List<Map.Entry<String, String>> STRICT =
      List.copyOf(strictHeaders().entrySet());

  /** The paths of the pages, under the base path. */
  private final List<String> pagePrefixes;

  public SecurityHeadersFilter(String basePath) {
    this.pagePrefixes =
        List.of(basePath + "/docs", basePath + "/swagger-ui", basePath + "/admin/dashboard");
  }

  /** The headers every response carries, with the strict policy. */
  public static Map<String, String> strictHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    headers.put("Cache-Control", "no-store");
    headers.put("Content-Security-Policy", STRICT_CSP);
    return headers;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletResponse response = (HttpServletResponse) res;
    for (Map.Entry<String, String> header : STRICT) {
      response.setHeader(header.getKey(), header.getValue());
    }
    if (isPage((HttpServletRequest) req)) {
      response.setHeader("Content-Security-Policy", PAGE_CSP);
    }
    chain.doFilter(req, res);
  }

  private boolean isPage(HttpServletRequest req) {
    String path = req.getRequestURI();
    for (String prefix : pagePrefixes) {
      if (path.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
