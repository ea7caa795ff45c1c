package com.sandboxbroker.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.api.ErrorResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * API requests take no body (contract §1); a client may still send a small one (an empty JSON
 * object). Anything larger is refused with 413 in the contract's shape before any other work: a
 * declared length at once, a chunked body as soon as it passes the limit.
 */
public final class RequestBodyLimitFilter implements Filter {
  private final long maxBytes;
  private final ObjectMapper json;

  public RequestBodyLimitFilter(long maxBytes, ObjectMapper json) {
    this.maxBytes = maxBytes;
    this.json = json;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    long declared = request.getContentLengthLong();
    if (declared > maxBytes || (declared < 0 && isChunked(request) && exceeds(request.getInputStream()))) {
      HttpServletResponse response = (HttpServletResponse) res;
      response.setStatus(413);
      response.setContentType("application/json");
      // the rest of the body is not read: close the connection rather than drain it
      response.setHeader("Connection", "close");
      json.writeValue(
          response.getOutputStream(),
          ErrorResponse.of("PAYLOAD_TOO_LARGE", "Request body too large; API requests take no body", RequestIdFilter.currentId()));
      return;
    }
    chain.doFilter(req, res);
  }

  private static boolean isChunked(HttpServletRequest request) {
    String te = request.getHeader("Transfer-Encoding");
    return te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
  }

  /** Reads (and discards) up to one byte past the limit; nothing downstream reads a body. */
  private boolean exceeds(ServletInputStream in) throws IOException {
    byte[] buffer = new byte[1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > maxBytes) {
        return true;
      }
    }
    return false;
  }
}
