package com.sandboxbroker.core.testing;

import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;

/**
 * Test sandboxes by what they are, not by 21 positional values: {@code
 * aSandbox("1").pendingDeletion(now).ownedBy("learner-a").build()}. Starts as a fresh {@code
 * available} pool member named {@code lab-<id>}.
 */
public final class SandboxFixture {
  private final String id;
  private final Sandbox.Builder sandbox;

  private SandboxFixture(String id) {
    this.id = id;
    this.sandbox =
        Sandbox.builder(id).name("lab-" + id).externalId("identity/accounts/" + uuidOf(id));
  }

  /** An available sandbox with this id (numeric ids get a deterministic upstream uuid). */
  public static SandboxFixture aSandbox(String id) {
    return new SandboxFixture(id);
  }

  public SandboxFixture named(String name) {
    sandbox.name(name);
    return this;
  }

  /** Seen upstream at {@code at} (created and last seen then). */
  public SandboxFixture seenAt(long at) {
    sandbox.createdAt(at).lastSeenAt(at);
    return this;
  }

  /**
   * Allocated an hour-long lease a minute before {@code requestedAt}, then released at it: what
   * cleanup works on.
   */
  public SandboxFixture pendingDeletion(long requestedAt) {
    sandbox
        .status(SandboxStatus.PENDING_DELETION)
        .trackName("lab")
        .leaseId("lease-" + id)
        .allocatedAt(requestedAt - 60)
        .expiresAt(requestedAt + 3600)
        .deletionRequestedAt(requestedAt)
        .createdAt(requestedAt - 120)
        .lastSeenAt(requestedAt - 120);
    return this;
  }

  /** Held by (or, once released, last held by) {@code identity}. */
  public SandboxFixture ownedBy(String identity) {
    sandbox.allocatedTo(identity);
    return this;
  }

  public SandboxFixture ofTenant(String tenant) {
    sandbox.tenant(tenant);
    return this;
  }

  /** Written {@code writes} times since it was created. */
  public SandboxFixture atVersion(long writes) {
    sandbox.version(writes);
    return this;
  }

  public Sandbox build() {
    return sandbox.build();
  }

  /** A deterministic upstream uuid per numeric sandbox id; other ids are used as they are. */
  public static String uuidOf(String id) {
    return id.chars().allMatch(Character::isDigit)
        ? String.format("00000000-0000-4000-8000-%012d", Long.parseLong(id))
        : id;
  }
}
