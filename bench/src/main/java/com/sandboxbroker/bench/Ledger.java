package com.sandboxbroker.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the service told each identity, checked for the one absolute rule: a sandbox never has two
 * owners, and an identity (cap 1) never holds two sandboxes.
 */
final class Ledger {
  private final Map<String, String> ownerBySandbox = new ConcurrentHashMap<>();
  private final Map<String, String> sandboxByIdentity = new ConcurrentHashMap<>();
  private final AtomicLong doubles = new AtomicLong();

  /** An allocate answer (201 or 200) gave {@code sandboxId} to {@code identity}. */
  void record(String identity, String sandboxId) {
    String owner = ownerBySandbox.putIfAbsent(sandboxId, identity);
    if (owner != null && !owner.equals(identity)) {
      doubles.incrementAndGet(); // one sandbox, two owners
    }
    String held = sandboxByIdentity.putIfAbsent(identity, sandboxId);
    if (held != null && !held.equals(sandboxId)) {
      doubles
          .incrementAndGet(); // one identity, two sandboxes (or a replay that changed its answer)
    }
  }

  /** Reading the sandbox back as its owner contradicted the ledger (403 or another owner). */
  void readbackContradiction() {
    doubles.incrementAndGet();
  }

  long doubles() {
    return doubles.get();
  }

  Map<String, String> sandboxByIdentity() {
    return sandboxByIdentity;
  }
}
