package com.sandboxbroker.service.errors;

import com.sandboxbroker.core.admin.InvalidStatusTransitionException;
import com.sandboxbroker.core.allocation.AllocationTimeoutException;
import com.sandboxbroker.core.sandbox.IdentityLimitReachedException;
import com.sandboxbroker.core.sandbox.LeaseExpiredException;
import com.sandboxbroker.core.sandbox.LeaseLimitReachedException;
import com.sandboxbroker.core.sandbox.NoSandboxAvailableException;
import com.sandboxbroker.core.sandbox.NotSandboxOwnerException;
import com.sandboxbroker.core.sandbox.SandboxNotAllocatedException;
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
        new InvalidStatusTransitionExceptionMapper(),
        new ApiExceptionMapper());
  }

  public static final class NoSandboxAvailableExceptionMapper
      implements ExceptionMapper<NoSandboxAvailableException> {
    @Override
    public Response toResponse(NoSandboxAvailableException e) {
      ErrorCode code = ErrorCode.NO_SANDBOXES_AVAILABLE;
      return ErrorWriter.retryable(
          code, code.defaultMessage(), POOL_RETRY_AFTER_SECONDS, e.reason().wireName());
    }
  }

  public static final class IdentityLimitReachedExceptionMapper
      implements ExceptionMapper<IdentityLimitReachedException> {
    @Override
    public Response toResponse(IdentityLimitReachedException e) {
      return ErrorWriter.response(
          ErrorCode.IDENTITY_LIMIT_REACHED,
          "This identity already holds "
              + e.cap()
              + " live allocation(s); release one or retry with the same Idempotency-Key");
    }
  }

  public static final class SandboxNotFoundExceptionMapper
      implements ExceptionMapper<SandboxNotFoundException> {
    @Override
    public Response toResponse(SandboxNotFoundException e) {
      return ErrorWriter.response(ErrorCode.SANDBOX_NOT_FOUND);
    }
  }

  public static final class NotSandboxOwnerExceptionMapper
      implements ExceptionMapper<NotSandboxOwnerException> {
    @Override
    public Response toResponse(NotSandboxOwnerException e) {
      return ErrorWriter.response(ErrorCode.NOT_SANDBOX_OWNER);
    }
  }

  public static final class AllocationTimeoutExceptionMapper
      implements ExceptionMapper<AllocationTimeoutException> {
    @Override
    public Response toResponse(AllocationTimeoutException e) {
      ErrorCode code = ErrorCode.ALLOCATION_TIMEOUT;
      return ErrorWriter.retryable(code, code.defaultMessage(), 1, null);
    }
  }

  public static final class InvalidCursorExceptionMapper
      implements ExceptionMapper<InvalidCursorException> {
    @Override
    public Response toResponse(InvalidCursorException e) {
      return ErrorWriter.response(ErrorCode.INVALID_CURSOR);
    }
  }

  // lease extension (contract §7)

  public static final class LeaseLimitReachedExceptionMapper
      implements ExceptionMapper<LeaseLimitReachedException> {
    @Override
    public Response toResponse(LeaseLimitReachedException e) {
      return ErrorWriter.leaseLimit(e.maxExpiresAt());
    }
  }

  public static final class SandboxNotAllocatedExceptionMapper
      implements ExceptionMapper<SandboxNotAllocatedException> {
    @Override
    public Response toResponse(SandboxNotAllocatedException e) {
      return ErrorWriter.response(ErrorCode.SANDBOX_NOT_ALLOCATED);
    }
  }

  public static final class LeaseExpiredExceptionMapper
      implements ExceptionMapper<LeaseExpiredException> {
    @Override
    public Response toResponse(LeaseExpiredException e) {
      return ErrorWriter.response(ErrorCode.LEASE_EXPIRED);
    }
  }

  // operator actions (contract §3)

  public static final class InvalidStatusTransitionExceptionMapper
      implements ExceptionMapper<InvalidStatusTransitionException> {
    @Override
    public Response toResponse(InvalidStatusTransitionException e) {
      return ErrorWriter.response(ErrorCode.INVALID_STATUS_TRANSITION, e.getMessage());
    }
  }

  public static final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException e) {
      return ErrorWriter.response(e.code(), e.getMessage());
    }
  }
}
