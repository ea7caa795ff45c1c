package com.sandboxbroker.core.provider;

/**
 * An upstream call did not succeed. Messages are secret-free (a status code, a timeout) so they may
 * be logged, recorded as {@code last_error} and put in reports.
 */
public class UpstreamException extends RuntimeException {
  public UpstreamException(String message) {
    super(message, null, false, false);
  }
}
