package com.sandboxbroker.service.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * AWS SDK failures that outlived the SDK's own retries. Transient ones (timeouts, throttling,
 * DynamoDB 5xx) are a 503 with {@code Retry-After}: deployed hooks retry 5xx, and the request
 * changed nothing it cannot redo (every write is conditional and idempotent). Anything else is an
 * unexpected failure.
 */
public final class SdkExceptionMapper implements ExceptionMapper<SdkException> {
  private static final Logger LOG = LoggerFactory.getLogger(SdkExceptionMapper.class);
  private final UnexpectedExceptionMapper unexpected = new UnexpectedExceptionMapper();

  @Override
  public Response toResponse(SdkException e) {
    if (!isTransient(e)) {
      return unexpected.toResponse(e);
    }
    LOG.warn("DynamoDB unavailable: {}", e.getClass().getSimpleName());
    ErrorCode code = ErrorCode.SERVICE_UNAVAILABLE;
    return ErrorWriter.retryable(code, code.defaultMessage(), 1, null);
  }

  private static boolean isTransient(SdkException e) {
    if (e instanceof AwsServiceException service) {
      return service.isThrottlingException() || service.statusCode() >= 500;
    }
    return e instanceof SdkClientException || e.retryable(); // I/O: timeouts, resets, refused
  }
}
