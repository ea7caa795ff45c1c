package com.sandboxbroker.core.tenant;

import java.util.regex.Pattern;

/**
 * Tenants (contract §6): every track token belongs to one, and identities, idempotency keys, the
 * identity cap and ownership are scoped by it. A name is {@code [a-z0-9-]{1,64}}, so it can never
 * contain the {@code #} that separates key parts in the table.
 */
public final class Tenant {
  private Tenant() {}

  /**
   * The tenant of {@code BROKER_API_TOKEN} tokens (the compat set-up) and of every lease or sandbox
   * item written before tenants existed, which carry no tenant at all.
   */
  public static final String DEFAULT = "default";

  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}");

  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** A stored tenant as read back: absent or blank (an item from before tenants) is the default. */
  public static String orDefault(String stored) {
    return stored == null || stored.isBlank() ? DEFAULT : stored;
  }
}
