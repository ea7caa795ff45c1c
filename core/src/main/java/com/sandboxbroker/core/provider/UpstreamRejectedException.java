package com.sandboxbroker.core.provider;

/** The upstream refused the request (4xx other than 404/429): retrying soon will not help. */
public final class UpstreamRejectedException extends UpstreamException {
  public UpstreamRejectedException(String message) {
    super(message);
  }
}
