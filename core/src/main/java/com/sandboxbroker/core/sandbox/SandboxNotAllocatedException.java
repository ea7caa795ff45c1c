package com.sandboxbroker.core.sandbox;

/**
 * The owner's sandbox is no longer {@code allocated} (released, expired and collected, deleted).
 */
public final class SandboxNotAllocatedException extends RuntimeException {
  public SandboxNotAllocatedException() {
    super("The sandbox is no longer allocated", null, false, false);
  }
}
