package com.sandboxbroker.service.errors;

import com.sandboxbroker.core.allocation.AllocationTimeoutException;
import com.sandboxbroker.core.sandbox.IdentityLimitReachedException;
import com.sandboxbroker.core.sandbox.NoSandboxAvailableException;
import com.sandboxbroker.core.sandbox.NotSandboxOwnerException;
import com.sandboxbroker.core.sandbox.SandboxNotFoundException;
import com.sandboxbroker.core.store.InvalidCursorException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.List;

/** One mapper per domain exception, each producing the contract's status, code and body. */
public final class DomainExceptionMappers {
  private DomainExceptionMappers() {}

  /** The retry hint deployed hooks rely on for an empty pool (contract §2). */
  static final int POOL_RETRY_AFTER_SECONDS = 30;

  public static List<ExceptionMapper<?>> all() {
    return List.of(
        new NoSandboxAvailableExceptionMapper(),
        new IdentityLimitReachedExceptionMapper(),
        new SandboxNotFoundExceptionMapper(),
        new NotSandboxOwnerExceptionMapper(),
        new AllocationTimeoutExceptionMapper(),
        new InvalidCursorExceptionMapper(),
        new LeaseLimitReachedExceptionMapper(),
        new SandboxNotAllocatedExceptionMapper(),
        new LeaseExpiredExceptionMapper(),
        new ApiExceptionMapper());
  }

  public static final class NoSandboxAvailableExceptionMapper
      implements ExceptionMapper<NoSandboxAvailableException> {
    @Override
    public Response toResponse(NoSandboxAvailableException e) {
      return ErrorResponses.retryable(
          409,
          "NO_SANDBOXES_AVAILABLE",
          "No sandbox available in the pool",
          POOL_RETRY_AFTER_SECONDS,
          e.reason().wireName());
    }
  }

  public static final class IdentityLimitReachedExceptionMapper
      implements ExceptionMapper<IdentityLimitReachedException> {
    @Override
    public Response toResponse(IdentityLimitReachedException e) {
      return ErrorResponses.of(
          409,
          "IDENTITY_LIMIT_REACHED",
          "This identity already holds "
              + e.cap()
              + " live allocation(s); release one or retry with the same Idempotency-Key");
    }
  }

  public static final class SandboxNotFoundExceptionMapper
      implements ExceptionMapper<SandboxNotFoundException> {
    @Override
    public Response toResponse(SandboxNotFoundException e) {
      return ErrorResponses.of(404, "SANDBOX_NOT_FOUND", "Sandbox not found");
    }
  }

  public static final class NotSandboxOwnerExceptionMapper
      implements ExceptionMapper<NotSandboxOwnerException> {
    @Override
    public Response toResponse(NotSandboxOwnerException e) {
      return ErrorResponses.of(
          403, "NOT_SANDBOX_OWNER", "This sandbox is not allocated to your identity");
    }
  }

  public static final class AllocationTimeoutExceptionMapper
      implements ExceptionMapper<AllocationTimeoutException> {
    @Override
    public Response toResponse(AllocationTimeoutException e) {
      return ErrorResponses.retryable(
          503, "ALLOCATION_TIMEOUT", "Allocation is busy; retry shortly", 1, null);
    }
  }

  public static final class InvalidCursorExceptionMapper
      implements ExceptionMapper<InvalidCursorException> {
    @Override
    public Response toResponse(InvalidCursorException e) {
      return ErrorResponses.of(400, "INVALID_CURSOR", "The cursor is not valid for this listing");
    }
  }

  // ---- lease extension (contract §7) ----

  public static final class LeaseLimitReachedExceptionMapper
      implements ExceptionMapper<com.sandboxbroker.core.sandbox.LeaseLimitReachedException> {
    @Override
    public Response toResponse(com.sandboxbroker.core.sandbox.LeaseLimitReachedException e) {
      return ErrorResponses.leaseLimit(
          "The lease is already at its maximum length (max_expires_at)", e.maxExpiresAt());
    }
  }

  public static final class SandboxNotAllocatedExceptionMapper
      implements ExceptionMapper<com.sandboxbroker.core.sandbox.SandboxNotAllocatedException> {
    @Override
    public Response toResponse(com.sandboxbroker.core.sandbox.SandboxNotAllocatedException e) {
      return ErrorResponses.of(
          409,
          "SANDBOX_NOT_ALLOCATED",
          "The sandbox is no longer allocated (released, expired or deleted)");
    }
  }

  public static final class LeaseExpiredExceptionMapper
      implements ExceptionMapper<com.sandboxbroker.core.sandbox.LeaseExpiredException> {
    @Override
    public Response toResponse(com.sandboxbroker.core.sandbox.LeaseExpiredException e) {
      return ErrorResponses.of(
          409, "LEASE_EXPIRED", "The lease has expired; an expired allocation cannot be extended");
    }
  }

  public static final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException e) {
      return ErrorResponses.of(e.status(), e.code(), e.getMessage());
    }
  }
}
