package com.sandboxbroker.service.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.http.RequestIdFilter;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one writer of the contract's error body ({@code {"detail": {...}}}): exception mappers and
 * Jersey filters take a {@link Response} from it, servlets and the servlet filter write through it,
 * and Jetty's error handlers take its bytes. Nothing else builds an {@link ErrorResponse}
 * (ArchitectureTest holds that), so a change to the shape is made once.
 */
public final class ErrorWriter {
  /** The body is a plain record with its own Jackson annotations: any mapper writes it alike. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorWriter() {}

  /** The code's status and default message. */
  public static Response response(ErrorCode code) {
    return response(code, code.defaultMessage());
  }

  /** The code's status with a message that says more than the default. */
  public static Response response(ErrorCode code, String message) {
    return build(code.status(), detail(code, message, null, null)).build();
  }

  /**
   * A status that arrived without a code of ours (a JAX-RS refusal, {@code sendError}): its generic
   * code and message, keeping the status itself.
   */
  public static Response forStatus(int status) {
    ErrorCode code = ErrorCode.forStatus(status);
    return build(status, detail(code, code.defaultMessage(), null, null)).build();
  }

  /** A refusal the caller should retry: {@code retry_after} in the body and the header. */
  public static Response retryable(
      ErrorCode code, String message, int retryAfterSeconds, String reason) {
    return build(code.status(), detail(code, message, retryAfterSeconds, reason))
        .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
        .build();
  }

  /** LEASE_LIMIT_REACHED (contract §7): the error shape plus {@code max_expires_at}. */
  public static Response leaseLimit(long maxExpiresAt) {
    ErrorCode code = ErrorCode.LEASE_LIMIT_REACHED;
    return build(
            code.status(),
            new ErrorResponse.Detail(
                code.name(),
                code.defaultMessage(),
                RequestIdFilter.currentId(),
                null,
                null,
                maxExpiresAt))
        .build();
  }

  /** Servlets outside Jersey: the status, JSON content type and the code's body. */
  public static void write(HttpServletResponse response, ErrorCode code) throws IOException {
    write(response, code.status(), code);
  }

  /** Servlets outside Jersey: a bare status in the contract's shape (see {@link #forStatus}). */
  public static void write(HttpServletResponse response, int status) throws IOException {
    write(response, status, ErrorCode.forStatus(status));
  }

  /**
   * Jetty's own error pages, written before or outside the servlet chain: the body for a status,
   * naming the given request id.
   */
  public static byte[] bytesForStatus(int status, String requestId) {
    ErrorCode code = ErrorCode.forStatus(status);
    return bytes(
        new ErrorResponse(
            new ErrorResponse.Detail(code.name(), code.defaultMessage(), requestId, null, null)));
  }

  private static void write(HttpServletResponse response, int status, ErrorCode code)
      throws IOException {
    byte[] body = bytes(new ErrorResponse(detail(code, code.defaultMessage(), null, null)));
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_JSON);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static ErrorResponse.Detail detail(
      ErrorCode code, String message, Integer retryAfter, String reason) {
    return new ErrorResponse.Detail(
        code.name(), message, RequestIdFilter.currentId(), retryAfter, reason);
  }

  private static byte[] bytes(ErrorResponse body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a record of strings and numbers always serializes
    }
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
