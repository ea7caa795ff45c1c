package com.sandboxbroker.core.store;

/** A cursor that this store did not produce (or that was tampered with). */
public final class InvalidCursorException extends RuntimeException {
  public InvalidCursorException() {
    super("Invalid cursor", null, false, false);
  }
}
