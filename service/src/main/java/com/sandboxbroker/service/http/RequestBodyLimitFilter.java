package com.sandboxbroker.service.http;

import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.errors.ErrorWriter;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * API requests take no body (contract §1); a client may still send a small one (an empty JSON
 * object, an extension's {@code {"hours": n}}). Anything larger is refused with 413 in the
 * contract's shape: a declared length at once, a chunked body as soon as it passes the limit. The
 * few routes that take a real body (issuing a token) have a limit of their own.
 *
 * <p>It runs right <em>after</em> authentication: a pre-matching Jersey filter one priority step
 * behind {@code BearerAuthFilter}. A request without a valid token learns only that it is
 * unauthenticated (401) and its body is never read; only an authenticated caller's body is read,
 * and then never more than one byte past the limit. A chunked body within the limit is read here
 * and handed on to whatever reads it next (the token route, an extension).
 *
 * <p>A refusal (any 4xx/5xx) of a request that came with a body answers {@code Connection: close}:
 * the body may be partly unread (a stranger's is never read), and a client must not send its next
 * request on a connection the server will close once it sees the rest of this one.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION + 1)
public final class RequestBodyLimitFilter
    implements ContainerRequestFilter, ContainerResponseFilter {
  private final long maxBytes;
  private final Map<String, Long> bodyRoutes;

  /**
   * @param maxBytes the limit of every route not in {@code bodyRoutes}
   * @param bodyRoutes paths relative to the base path (exact, e.g. {@code admin/tokens}) that take
   *     a body, with their limits
   */
  public RequestBodyLimitFilter(long maxBytes, Map<String, Long> bodyRoutes) {
    this.maxBytes = maxBytes;
    this.bodyRoutes = Map.copyOf(bodyRoutes);
  }

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    long limit = bodyRoutes.getOrDefault(request.getUriInfo().getPath(), maxBytes);
    long declared = declaredLength(request);
    if (declared > limit) {
      refuse(request);
      return;
    }
    if (declared < 0 && isChunked(request)) {
      // bounded read: at most limit + 1 bytes, whatever the client keeps sending
      byte[] body =
          request.getEntityStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 1, limit + 1));
      if (body.length > limit) {
        refuse(request);
        return;
      }
      request.setEntityStream(new ByteArrayInputStream(body));
    }
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (response.getStatus() >= 400 && (declaredLength(request) > 0 || isChunked(request))) {
      response.getHeaders().putSingle("Connection", "close");
    }
  }

  private static void refuse(ContainerRequestContext request) {
    request.abortWith(
        Response.fromResponse(ErrorWriter.response(ErrorCode.PAYLOAD_TOO_LARGE))
            // the rest of the body is not read: close the connection rather than drain it
            .header("Connection", "close")
            .build());
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
    return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
  }
}
