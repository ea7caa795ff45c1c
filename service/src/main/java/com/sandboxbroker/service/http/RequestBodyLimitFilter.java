package com.sandboxbroker.service.http;

import com.sandboxbroker.service.api.ErrorResponse;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * API requests take no body (contract §1); a client may still send a small one (an empty JSON
 * object). Anything larger is refused with 413 in the contract's shape: a declared length at once,
 * a chunked body as soon as it passes the limit.
 *
 * <p>It runs right <em>after</em> authentication (a pre-matching filter one priority step behind
 * {@code BearerAuthFilter}): an unauthenticated request learns it is unauthenticated (401), not
 * anything about the endpoint behind it, and a stranger's large body is never read.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION + 1)
public final class RequestBodyLimitFilter implements ContainerRequestFilter {
  private final long maxBytes;

  public RequestBodyLimitFilter(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    long declared = declaredLength(request);
    if (declared > maxBytes || (declared < 0 && isChunked(request) && exceeds(request.getEntityStream()))) {
      request.abortWith(
          Response.status(413)
              .type(MediaType.APPLICATION_JSON_TYPE)
              // the rest of the body is not read: close the connection rather than drain it
              .header("Connection", "close")
              .entity(
                  ErrorResponse.of(
                      "PAYLOAD_TOO_LARGE", "Request body too large; API requests take no body", RequestIdFilter.currentId()))
              .build());
    }
  }

  private static long declaredLength(ContainerRequestContext request) {
    String value = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // Jetty refuses these itself; never let one through as "small"
    }
  }

  private static boolean isChunked(ContainerRequestContext request) {
    String te = request.getHeaderString("Transfer-Encoding");
    return te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
  }

  /** Reads (and discards) up to one byte past the limit; nothing downstream reads a body. */
  private boolean exceeds(InputStream in) throws IOException {
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
