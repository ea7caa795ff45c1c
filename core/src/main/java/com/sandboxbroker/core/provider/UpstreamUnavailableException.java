package com.sandboxbroker.core.provider;

/** A transient upstream failure (5xx, timeout, connection reset): worth retrying later. */
public final class UpstreamUnavailableException extends UpstreamException {
  public UpstreamUnavailableException(String message) {
    super(message);
  }
}
