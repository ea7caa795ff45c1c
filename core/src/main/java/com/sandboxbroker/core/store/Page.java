package com.sandboxbroker.core.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of a paginated read.
 *
 * @param cursor opaque position after the last item; empty when the read reached the end
 */
public record Page<T>(List<T> items, Optional<String> cursor) {
  public Page {
    items = List.copyOf(items);
  }
}
