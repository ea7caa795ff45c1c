package com.sandboxbroker.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Base for the few endpoints served outside Jersey (health, catch-all 404): JSON out. */
abstract class JsonServlet extends HttpServlet {
  private final transient ObjectMapper json;

  JsonServlet(ObjectMapper json) {
    this.json = json;
  }

  void write(HttpServletResponse response, int status, Object body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    json.writeValue(response.getOutputStream(), body);
  }
}
