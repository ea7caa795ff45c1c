package com.sandboxbroker.service.errors;

/**
 * A request the service refuses for a reason of its own (validation, authentication, policy),
 * carrying the contract's status and code. Domain refusals use core's exceptions instead.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "UNAUTHORIZED", message);
  }

  public static ApiException forbidden(String code, String message) {
    return new ApiException(403, code, message);
  }
}
