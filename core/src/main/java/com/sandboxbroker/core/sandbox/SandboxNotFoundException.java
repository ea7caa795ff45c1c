package com.sandboxbroker.core.sandbox;

/** No sandbox with that id exists (or its audit record's retention passed). */
public final class SandboxNotFoundException extends RuntimeException {
  public SandboxNotFoundException() {
    super("Sandbox not found", null, false, false);
  }
}
