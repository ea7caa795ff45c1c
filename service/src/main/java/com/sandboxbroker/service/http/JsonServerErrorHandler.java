package com.sandboxbroker.service.http;

import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The server-level twin of {@link JsonErrorHandler}, for errors Jetty raises before a request
 * reaches the application context (a malformed request line, oversized headers).
 */
public final class JsonServerErrorHandler extends ErrorHandler {
  /** Every method gets the JSON body (Jetty's default writes one only for GET, POST and HEAD). */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  /** Always JSON, whatever the request's Accept header says (see {@link JsonErrorHandler}). */
  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    JsonErrorHandler.writeJson(response, callback, code);
  }
}
