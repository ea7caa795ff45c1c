package com.sandboxbroker.service.resources;

import com.sandboxbroker.core.sandbox.SandboxNotFoundException;

/** Sandbox ids in paths: anything that could not be an id is simply not found. */
final class SandboxIds {
  private static final int MAX_LENGTH = 128;

  private SandboxIds() {}

  static String valid(String sandboxId) {
    if (sandboxId == null
        || sandboxId.isEmpty()
        || sandboxId.length() > MAX_LENGTH
        || sandboxId.chars().anyMatch(Character::isISOControl)) {
      throw new SandboxNotFoundException();
    }
    return sandboxId;
  }
}
