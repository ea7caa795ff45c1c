package com.sandboxbroker.service.errors;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error code the service answers with (api-contract.md §1 error shape), with its HTTP status
 * and the message it carries unless the refusal says more. A new refusal adds a constant here;
 * nothing else names a code as a string.
 */
public enum ErrorCode {
  // Generic HTTP refusals: what Jersey, the servlets and Jetty itself produce.
  BAD_REQUEST(400, "The request is malformed"),
  UNAUTHORIZED(401, "Authentication required"),
  FORBIDDEN(403, "This token may not use this endpoint"),
  NOT_FOUND(404, "No such endpoint"),
  METHOD_NOT_ALLOWED(405, "Method not allowed on this endpoint"),
  NOT_ACCEPTABLE(406, "Only application/json is produced"),
  PAYLOAD_TOO_LARGE(413, "Request body too large"),
  URI_TOO_LONG(414, "Request URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported content type"),
  RATE_LIMIT_EXCEEDED(429, "Too many requests; retry after the indicated delay"),
  HEADERS_TOO_LARGE(431, "Request headers too large"),
  INTERNAL_ERROR(500, "Internal error; quote the request id"),
  SERVICE_UNAVAILABLE(503, "The sandbox store is busy or unreachable; retry shortly"),

  // Track requests (contract §2) and lease extension (contract §7).
  MISSING_SANDBOX_ID(400, "Missing X-Instruqt-Sandbox-ID (or legacy X-Track-ID) header"),
  INVALID_SANDBOX_ID(400, "The sandbox id is not valid"),
  INVALID_TRACK_ID(400, "X-Instruqt-Track-ID is not valid"),
  INVALID_NAME_PREFIX(400, "X-Sandbox-Name-Prefix is not valid"),
  INVALID_IDEMPOTENCY_KEY(400, "Idempotency-Key is not valid"),
  PREFIX_NOT_ALLOWED(403, "This token may not allocate sandboxes with that name prefix"),
  NO_SANDBOXES_AVAILABLE(409, "No sandbox available in the pool"),
  IDENTITY_LIMIT_REACHED(409, "This identity already holds its maximum of live allocations"),
  SANDBOX_NOT_FOUND(404, "Sandbox not found"),
  NOT_SANDBOX_OWNER(403, "This sandbox is not allocated to your identity"),
  ALLOCATION_TIMEOUT(503, "Allocation is busy; retry shortly"),
  INVALID_EXTENSION(400, "The extension is not valid"),
  LEASE_LIMIT_REACHED(409, "The lease is already at its maximum length (max_expires_at)"),
  SANDBOX_NOT_ALLOCATED(409, "The sandbox is no longer allocated (released, expired or deleted)"),
  LEASE_EXPIRED(409, "The lease has expired; an expired allocation cannot be extended"),

  // Operator endpoints (contract §3).
  INVALID_CURSOR(400, "The cursor is not valid for this listing"),
  INVALID_STATUS(
      400,
      "status must be one of available, allocated, pending_deletion, deletion_failed, stale,"
          + " deleted"),
  INVALID_LIMIT(400, "limit must be an integer from 1 to 500"),
  INVALID_FILTER(400, "A filter must be at most 256 characters without control characters"),
  MISSING_STATUS(400, "status is required (bulk-delete never removes everything)"),
  STATUS_NOT_REMOVABLE(400, "Records of used accounts cannot be removed; release them instead"),
  INVALID_GRACE_PERIOD(400, "grace_period_hours must be an integer of at least 1"),
  INVALID_STATUS_TRANSITION(409, "The sandbox is not in a status this action applies to"),
  JOB_NOT_FOUND(404, "No such job (sync, cleanup, expiry)"),
  JOB_ALREADY_RUNNING(409, "A run of this job is already in progress"),
  JOB_PAUSED(409, "The job is paused; resume it first"),
  JOB_NOT_AVAILABLE(
      409, "This deployment runs this job neither in-process nor through Step Functions"),
  JOB_FAILED(500, "The job failed; see GET /admin/jobs"),
  UPSTREAM_UNAVAILABLE(503, "The upstream provider is unavailable; the job will retry"),
  TOKEN_NOT_FOUND(404, "No token with this id"),
  INVALID_TOKEN_SPEC(400, "The token request is not valid"),
  EVENT_FEED_NOT_LOCAL(
      404,
      "Events are delivered to the EventBridge bus in this deployment, not kept by the service"),
  INVALID_AFTER(400, "after must be an event id");

  /** The codes a bare HTTP status maps to when nothing more is known (Jetty, sendError). */
  private static final Map<Integer, ErrorCode> BY_STATUS =
      Arrays.stream(
              new ErrorCode[] {
                BAD_REQUEST,
                UNAUTHORIZED,
                FORBIDDEN,
                NOT_FOUND,
                METHOD_NOT_ALLOWED,
                NOT_ACCEPTABLE,
                PAYLOAD_TOO_LARGE,
                URI_TOO_LONG,
                UNSUPPORTED_MEDIA_TYPE,
                HEADERS_TOO_LARGE,
              })
          .collect(Collectors.toUnmodifiableMap(ErrorCode::status, Function.identity()));

  private final int status;
  private final String message;

  ErrorCode(int status, String message) {
    this.status = status;
    this.message = message;
  }

  /** The HTTP status this code is answered with. */
  public int status() {
    return status;
  }

  /** The message a refusal carries when it has nothing more specific to say. */
  public String defaultMessage() {
    return message;
  }

  /**
   * The generic code for a status that arrives without one (a container's {@code sendError},
   * Jetty's own refusals, a JAX-RS exception): any other 5xx is INTERNAL_ERROR, any other 4xx
   * BAD_REQUEST.
   */
  public static ErrorCode forStatus(int status) {
    ErrorCode known = BY_STATUS.get(status);
    if (known != null) {
      return known;
    }
    return status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
  }
}
