package com.sandboxbroker.core.sandbox;

/** No matching sandbox is available; never thrown while a matching one could still be claimed. */
public final class NoSandboxAvailableException extends RuntimeException {
  /** Why nothing matched, as the contract's {@code reason} field spells it. */
  public enum Reason {
    POOL_EMPTY("pool_empty"),
    NO_PREFIX_MATCH("no_prefix_match");

    private final String wireName;

    Reason(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  private final Reason reason;

  public NoSandboxAvailableException(Reason reason) {
    super("No sandbox available in the pool (" + reason.wireName() + ")", null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
