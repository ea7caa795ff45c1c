package com.sandboxbroker.core.testing;

import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;

/** Sandbox records in a given state, for seeding a store. */
public final class Sandboxes {
  private Sandboxes() {}

  /** Released by {@code owner}: what cleanup works on. */
  public static Sandbox pendingDeletion(String id, String owner, long requestedAt) {
    return new Sandbox(
        id,
        "lab-" + id,
        "identity/accounts/" + uuidOf(id),
        "",
        SandboxStatus.PENDING_DELETION,
        owner,
        "lab",
        "lease-" + id,
        requestedAt - 60,
        requestedAt + 3600,
        requestedAt,
        0,
        0,
        "",
        0,
        requestedAt - 120,
        requestedAt - 120,
        0,
        0,
        3);
  }

  /** A deterministic upstream uuid per sandbox id. */
  public static String uuidOf(String id) {
    return String.format("00000000-0000-4000-8000-%012d", Long.parseLong(id));
  }
}
