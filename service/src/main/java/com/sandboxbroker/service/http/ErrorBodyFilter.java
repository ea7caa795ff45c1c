package com.sandboxbroker.service.http;

import com.sandboxbroker.service.errors.ErrorWriter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * Servlets outside Jersey (the asset servlet, the health servlets' unsupported methods) refuse with
 * {@code sendError}, which Jetty 12 answers with an empty body and, for some paths, without the
 * headers our filters set. Found by the hostile-request property test. This filter turns every
 * {@code sendError} into the contract's error body, keeping the request id and security headers.
 */
public final class ErrorBodyFilter implements Filter {
  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletResponse response = (HttpServletResponse) res;
    chain.doFilter(
        req,
        new HttpServletResponseWrapper(response) {
          @Override
          public void sendError(int sc) throws IOException {
            write(response, sc);
          }

          @Override
          public void sendError(int sc, String msg) throws IOException {
            write(response, sc); // the container's message is not ours to echo
          }
        });
  }

  private static void write(HttpServletResponse response, int sc) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    // HttpServlet answers a method it does not know with 501; for a client that is a wrong method
    int status = sc == 501 ? 405 : sc;
    response.resetBuffer();
    response.setHeader(RequestIdFilter.HEADER, RequestIdFilter.currentId());
    ErrorWriter.write(response, status);
  }
}
