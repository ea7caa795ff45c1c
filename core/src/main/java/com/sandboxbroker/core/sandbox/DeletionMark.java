package com.sandboxbroker.core.sandbox;

/** The outcome of an owner's mark-for-deletion: the same values on every repeat. */
public record DeletionMark(String sandboxId, SandboxStatus status, long deletionRequestedAt) {}
