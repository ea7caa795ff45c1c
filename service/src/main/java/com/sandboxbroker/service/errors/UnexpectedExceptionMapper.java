package com.sandboxbroker.service.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything unforeseen: logged with its stack trace under the request id, answered with a body that
 * names the request id and nothing of the exception (it might carry data of another caller).
 */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

  @Override
  public Response toResponse(Throwable e) {
    LOG.error("Unexpected failure", e);
    return ErrorWriter.response(ErrorCode.INTERNAL_ERROR);
  }
}
