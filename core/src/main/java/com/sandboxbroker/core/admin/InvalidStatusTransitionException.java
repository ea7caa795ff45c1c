package com.sandboxbroker.core.admin;

/**
 * An operator action the sandbox's status does not allow (a deleted sandbox cannot be released, an
 * allocated one's deletion cannot be retried), or a status that kept changing under the action.
 */
public final class InvalidStatusTransitionException extends RuntimeException {
  public InvalidStatusTransitionException(String message) {
    super(message, null, false, false);
  }
}
