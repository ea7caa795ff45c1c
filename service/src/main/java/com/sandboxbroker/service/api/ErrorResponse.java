package com.sandboxbroker.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The one error shape of the contract: {@code {"detail": {"code", "message", "request_id",
 * "retry_after"?, "reason"?}}}. Deployed cleanup hooks print {@code detail.code} and {@code
 * detail.message}. Only {@code ErrorWriter} builds one (ArchitectureTest holds it).
 */
public record ErrorResponse(Detail detail) {

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Detail(
      String code,
      String message,
      String requestId,
      Integer retryAfter,
      String reason,
      /** LEASE_LIMIT_REACHED only (contract §7): the latest expires_at the allocation can have. */
      Long maxExpiresAt) {

    public Detail(
        String code, String message, String requestId, Integer retryAfter, String reason) {
      this(code, message, requestId, retryAfter, reason, null);
    }
  }
}
