package com.sandboxbroker.core.store;

import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Sandbox;
import java.util.List;

/**
 * A sandbox with the operator actions recorded on its item, oldest first. Kept apart from {@link
 * Sandbox} so the hot paths (allocate, owner view) never carry the trail.
 */
public record AuditedSandbox(Sandbox sandbox, List<AdminAction> adminActions) {
  public AuditedSandbox {
    adminActions = List.copyOf(adminActions);
  }
}
