package com.sandboxbroker.bench;

import java.util.Arrays;

/** Request latencies of one kind; percentiles by nearest rank over every sample (no sketching). */
final class Latencies {
  private long[] nanos = new long[1024];
  private int size;

  synchronized void add(long n) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = n;
  }

  synchronized int count() {
    return size;
  }

  /** The p-th percentile in milliseconds (nearest rank); NaN when there are no samples. */
  synchronized double percentileMs(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
  }
}
