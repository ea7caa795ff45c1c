package com.sandboxbroker.service.http;

import com.sandboxbroker.service.errors.ErrorWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty produces itself, before or outside Jersey (an ambiguous URI, oversized headers, a
 * malformed request line), rendered in the contract's shape instead of Jetty's HTML page, and never
 * with the cause's text.
 */
public final class JsonErrorHandler extends ErrorHandler {

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

  static void writeJson(Response response, Callback callback, int code) {
    String requestId = response.getHeaders().get(RequestIdFilter.HEADER);
    if (requestId == null) {
      requestId = RequestIdFilter.freshId();
      response.getHeaders().put(RequestIdFilter.HEADER, requestId);
    }
    byte[] body = ErrorWriter.bytesForStatus(code, requestId);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    SecurityHeadersFilter.strictHeaders().forEach((k, v) -> response.getHeaders().put(k, v));
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
