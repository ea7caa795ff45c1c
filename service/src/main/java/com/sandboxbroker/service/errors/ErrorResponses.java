package com.sandboxbroker.service.errors;

import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.http.RequestIdFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds contract error responses; the request id comes from the current request's MDC. */
public final class ErrorResponses {
  private ErrorResponses() {}

  public static Response of(int status, String code, String message) {
    return build(
            status,
            new ErrorResponse.Detail(code, message, RequestIdFilter.currentId(), null, null))
        .build();
  }

  public static Response retryable(
      int status, String code, String message, int retryAfterSeconds, String reason) {
    return build(
            status,
            new ErrorResponse.Detail(
                code, message, RequestIdFilter.currentId(), retryAfterSeconds, reason))
        .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
        .build();
  }

  /** LEASE_LIMIT_REACHED (contract §7): the error shape plus {@code max_expires_at}. */
  public static Response leaseLimit(String message, long maxExpiresAt) {
    return build(
            409,
            new ErrorResponse.Detail(
                "LEASE_LIMIT_REACHED",
                message,
                RequestIdFilter.currentId(),
                null,
                null,
                maxExpiresAt))
        .build();
  }

  private static Response.ResponseBuilder build(int status, ErrorResponse.Detail detail) {
    Response.ResponseBuilder b =
        Response.status(status)
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(new ErrorResponse(detail));
    if (status == 401) {
      b.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    return b;
  }
}
