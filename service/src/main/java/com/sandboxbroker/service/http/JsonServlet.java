package com.sandboxbroker.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.errors.ErrorWriter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Base for the few endpoints served outside Jersey (health, catch-all 404): JSON out. */
abstract class JsonServlet extends HttpServlet {
  private final transient ObjectMapper json;

  JsonServlet(ObjectMapper json) {
    this.json = json;
  }

  /**
   * Only GET and HEAD: HttpServlet would answer other known methods with 405 but unknown ones
   * (PATCH) with 501, and the contract says a wrong method is 405 (found by the hostile-request
   * property test).
   */
  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp)
      throws ServletException, IOException {
    String method = req.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      resp.setHeader("Allow", "GET, HEAD");
      ErrorWriter.write(resp, ErrorCode.METHOD_NOT_ALLOWED);
      return;
    }
    super.service(req, resp);
  }

  void write(HttpServletResponse response, int status, Object body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    json.writeValue(response.getOutputStream(), body);
  }
}
