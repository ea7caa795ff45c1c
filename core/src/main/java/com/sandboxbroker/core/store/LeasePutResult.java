package com.sandboxbroker.core.store;

import com.sandboxbroker.core.sandbox.Lease;
import java.util.Optional;

/**
 * The outcome of a conditional lease write.
 *
 * @param existing the live lease that occupied the slot, when the write did not happen
 */
public record LeasePutResult(boolean written, Optional<Lease> existing) {
  public static LeasePutResult success() {
    return new LeasePutResult(true, Optional.empty());
  }

  public static LeasePutResult occupiedBy(Lease existing) {
    return new LeasePutResult(false, Optional.of(existing));
  }
}
