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
    Response mapped =
        switch (status) {
          case 400 -> ErrorResponses.of(400, "BAD_REQUEST", "The request is malformed");
          case 401 -> ErrorResponses.of(401, "UNAUTHORIZED", "Authentication required");
          case 403 -> ErrorResponses.of(403, "FORBIDDEN", "This token may not use this endpoint");
          case 404 -> ErrorResponses.of(404, "NOT_FOUND", "No such endpoint");
          case 405 ->
              ErrorResponses.of(405, "METHOD_NOT_ALLOWED", "Method not allowed on this endpoint");
          case 406 -> ErrorResponses.of(406, "NOT_ACCEPTABLE", "Only application/json is produced");
          case 413 -> ErrorResponses.of(413, "PAYLOAD_TOO_LARGE", "Request body too large");
          case 415 -> ErrorResponses.of(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported content type");
          default ->
              status >= 500
                  ? ErrorResponses.of(500, "INTERNAL_ERROR", "Internal error")
                  : ErrorResponses.of(status, "BAD_REQUEST", "The request was refused");
        };
    if (status == 405 && e.getResponse().getHeaderString("Allow") != null) {
      return Response.fromResponse(mapped)
          .header("Allow", e.getResponse().getHeaderString("Allow"))
          .build();
    }
    return mapped;
  }
}
