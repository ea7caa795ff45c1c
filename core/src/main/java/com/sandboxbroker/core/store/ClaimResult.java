package com.sandboxbroker.core.store;

import com.sandboxbroker.core.sandbox.Sandbox;
import java.util.Optional;

/**
 * The outcome of a conditional claim of an available sandbox.
 *
 * @param current the item after a successful claim, or as it stood when the condition failed; empty
 *     when the item no longer exists
 */
public record ClaimResult(boolean claimed, Optional<Sandbox> current) {
  public static ClaimResult claimed(Sandbox after) {
    return new ClaimResult(true, Optional.of(after));
  }

  public static ClaimResult lost(Optional<Sandbox> current) {
    return new ClaimResult(false, current);
  }
}
