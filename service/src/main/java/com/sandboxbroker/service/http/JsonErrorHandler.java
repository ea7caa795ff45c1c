package com.sandboxbroker.service.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty produces itself, before or outside Jersey (an ambiguous URI, oversized headers, a
 * malformed request line), rendered in the contract's shape instead of Jetty's HTML page, and never
 * with the cause's text.
 */
public final class JsonErrorHandler extends org.eclipse.jetty.ee10.servlet.ErrorHandler {

  /** Every method gets the JSON body (Jetty's default writes one only for GET, POST and HEAD). */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  /**
   * Always JSON, whatever the request's Accept header says: Jetty's default negotiation writes an
   * empty body (no request id, no security headers) when nothing acceptable is offered, e.g. an
   * empty {@code Accept}.
   */
  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    writeJson(response, callback, code);
  }

  /** The server-level twin, for errors raised before a request reaches the context. */
  public static final class ServerLevel extends org.eclipse.jetty.server.handler.ErrorHandler {
    /** Every method gets the JSON body (Jetty's default writes one only for GET, POST and HEAD). */
    @Override
    public boolean errorPageForMethod(String method) {
      return true;
    }

    /**
     * Always JSON, whatever the request's Accept header says: Jetty's default negotiation writes an
     * empty body (no request id, no security headers) when nothing acceptable is offered, e.g. an
     * empty {@code Accept}.
     */
    @Override
    protected void generateResponse(
        Request request,
        Response response,
        int code,
        String message,
        Throwable cause,
        Callback callback)
        throws IOException {
      writeJson(response, callback, code);
    }
  }

  static void writeJson(Response response, Callback callback, int code) {
    String requestId = response.getHeaders().get(RequestIdFilter.HEADER);
    if (requestId == null) {
      requestId = UUID.randomUUID().toString();
      response.getHeaders().put(RequestIdFilter.HEADER, requestId);
    }
    String body =
        "{\"detail\":{\"code\":\""
            + codeFor(code)
            + "\",\"message\":\""
            + messageFor(code)
            + "\",\"request_id\":\""
            + requestId
            + "\"}}";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    SecurityHeadersFilter.strictHeaders().forEach((k, v) -> response.getHeaders().put(k, v));
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  static String codeFor(int status) {
    return switch (status) {
      case 404 -> "NOT_FOUND";
      case 405 -> "METHOD_NOT_ALLOWED";
      case 413 -> "PAYLOAD_TOO_LARGE";
      case 414 -> "URI_TOO_LONG";
      case 431 -> "HEADERS_TOO_LARGE";
      default -> status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
    };
  }

  static String messageFor(int status) {
    return switch (status) {
      case 404 -> "No such endpoint";
      case 405 -> "Method not allowed on this endpoint";
      case 413 -> "Request body too large";
      case 414 -> "Request URI too long";
      case 431 -> "Request headers too large";
      default ->
          status >= 500 ? "Internal error; quote the request id" : "The request is malformed";
    };
  }
}
