package com.sandboxbroker.service.errors;

/**
 * A request the service refuses for a reason of its own (validation, authentication, policy),
 * carrying the contract's code. Domain refusals use core's exceptions instead.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode code;

  /** A refusal with the code's default message. */
  public ApiException(ErrorCode code) {
    this(code, code.defaultMessage());
  }

  /** A refusal whose message says more than the code's default. */
  public ApiException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
