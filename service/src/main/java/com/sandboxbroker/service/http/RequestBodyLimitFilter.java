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
import java.util.Map;

/**
 * API requests take no body (contract §1); a client may still send a small one (an empty JSON
 * object). Anything larger is refused with 413 in the contract's shape before any other work: a
 * declared length at once, a chunked body as soon as it passes the limit. The few routes that do
 * take a body (issuing a token) have a limit of their own; a chunked body within it is buffered
 * and handed on.
 */
public final class RequestBodyLimitFilter implements Filter {
  private final long maxBytes;
  private final ObjectMapper json;
  private final Map<String, Long> bodyRoutes;

  public RequestBodyLimitFilter(long maxBytes, ObjectMapper json) {
    this(maxBytes, json, Map.of());
  }

  /** @param bodyRoutes request URIs (exact) that take a body, with their limits */
  public RequestBodyLimitFilter(long maxBytes, ObjectMapper json, Map<String, Long> bodyRoutes) {
    this.maxBytes = maxBytes;
    this.json = json;
    this.bodyRoutes = Map.copyOf(bodyRoutes);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    long declared = request.getContentLengthLong();
    Long routeLimit = bodyRoutes.get(request.getRequestURI());
    if (routeLimit != null) {
      byte[] body = null;
      if (declared < 0 && isChunked(request)) {
        body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 1, routeLimit + 1));
      }
      if (declared > routeLimit || (body != null && body.length > routeLimit)) {
        refuse((HttpServletResponse) res);
        return;
      }
      chain.doFilter(body == null ? req : new BufferedBody(request, body), res);
      return;
    }
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

  private void refuse(HttpServletResponse response) throws IOException {
    response.setStatus(413);
    response.setContentType("application/json");
    response.setHeader("Connection", "close");
    json.writeValue(
        response.getOutputStream(),
        ErrorResponse.of("PAYLOAD_TOO_LARGE", "Request body too large", RequestIdFilter.currentId()));
  }

  /** A request whose (chunked) body was read here, replayed to whoever reads it next. */
  private static final class BufferedBody extends jakarta.servlet.http.HttpServletRequestWrapper {
    private final byte[] body;

    BufferedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(jakarta.servlet.ReadListener listener) {
          throw new UnsupportedOperationException("blocking reads only");
        }

        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }
      };
    }

    @Override
    public java.io.BufferedReader getReader() {
      return new java.io.BufferedReader(
          new java.io.InputStreamReader(getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
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
