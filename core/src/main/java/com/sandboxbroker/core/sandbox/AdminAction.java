package com.sandboxbroker.core.sandbox;

import java.util.Objects;

/**
 * One operator action recorded on a sandbox item (its audit trail).
 *
 * @param at epoch seconds
 * @param by the admin token's configured name, never the token
 * @param action what was done, e.g. {@code force_release}
 * @param fromStatus the status the sandbox had before the action
 */
public record AdminAction(long at, String by, String action, SandboxStatus fromStatus) {
  public AdminAction {
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(fromStatus, "fromStatus");
  }
}
