package com.sandboxbroker.core.sandbox;

/** The sandbox exists but the caller's identity does not hold it. Deliberately names nobody. */
public final class NotSandboxOwnerException extends RuntimeException {
  public NotSandboxOwnerException() {
    super("Sandbox is not allocated to this identity", null, false, false);
  }
}
