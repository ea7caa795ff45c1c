package com.sandboxbroker.core.testing;

import static com.sandboxbroker.core.testing.SandboxFixture.aSandbox;

import com.sandboxbroker.core.sandbox.Sandbox;

/** Sandbox records in a given state, for seeding a store. */
public final class Sandboxes {
  private Sandboxes() {}

  /** Released by {@code owner}: what cleanup works on. */
  public static Sandbox pendingDeletion(String id, String owner, long requestedAt) {
    return aSandbox(id).pendingDeletion(requestedAt).ownedBy(owner).atVersion(3).build();
  }

  /** A deterministic upstream uuid per sandbox id. */
  public static String uuidOf(String id) {
    return SandboxFixture.uuidOf(id);
  }
}
