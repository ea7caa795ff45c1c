package com.sandboxbroker.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.api.ErrorResponse;
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
   * These endpoints are read-only: any other method is a 405 in the contract's shape (the servlet
   * default would answer 501, a 5xx, for methods it does not know such as PATCH).
   */
  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp)
      throws ServletException, IOException {
    if (req.getMethod().equals("GET") || req.getMethod().equals("HEAD")) {
      super.service(req, resp);
      return;
    }
    resp.setHeader("Allow", "GET, HEAD");
    write(resp, 405, ErrorResponse.of("METHOD_NOT_ALLOWED", "Method not allowed on this endpoint", RequestIdFilter.currentId()));
  }

  void write(HttpServletResponse response, int status, Object body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    json.writeValue(response.getOutputStream(), body);
  }
}
