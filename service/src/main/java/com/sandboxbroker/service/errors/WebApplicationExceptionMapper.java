package com.sandboxbroker.service.errors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * JAX-RS's own refusals (unknown path, wrong method, role check, unsupported media type) in the
 * contract's shape instead of Jersey's HTML or empty bodies.
 */
public final class WebApplicationExceptionMapper
    implements ExceptionMapper<WebApplicationException> {
  @Override
  public Response toResponse(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    // a 5xx of JAX-RS's own is answered as 500: its cause is ours, not the client's
    Response mapped = ErrorWriter.forStatus(status >= 500 ? 500 : status);
    if (status == 405 && e.getResponse().getHeaderString("Allow") != null) {
      return Response.fromResponse(mapped)
          .header("Allow", e.getResponse().getHeaderString("Allow"))
          .build();
    }
    return mapped;
  }
}
