package com.sandboxbroker.core.allocation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps keyed by what callers send, so bounded whatever they send. */
final class BoundedMaps {
  private BoundedMaps() {}

  /** A thread-safe map that drops its least recently used entry beyond {@code maxEntries}. */
  static <K, V> Map<K, V> leastRecentlyUsed(int maxEntries) {
    return Collections.synchronizedMap(
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > maxEntries;
          }
        });
  }
}
