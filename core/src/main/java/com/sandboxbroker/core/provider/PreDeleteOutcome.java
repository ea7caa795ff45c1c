package com.sandboxbroker.core.provider;

/**
 * What a pre-delete clean-up did for one sandbox; recorded on the sandbox as {@link #wireValue()}.
 *
 * @param count services deleted (or, in shadow mode, that would have been deleted)
 * @param reason secret-free reason of a failure, {@code ""} otherwise
 */
public record PreDeleteOutcome(Kind kind, int count, String reason) {
  public enum Kind {
    CLEANED,
    NOTHING_TO_CLEAN,
    /** Shadow mode: only counted what it would delete. */
    SHADOW,
    FAILED
  }

  public static PreDeleteOutcome cleaned(int count) {
    return new PreDeleteOutcome(count == 0 ? Kind.NOTHING_TO_CLEAN : Kind.CLEANED, count, "");
  }

  public static PreDeleteOutcome shadow(int wouldDelete) {
    return new PreDeleteOutcome(Kind.SHADOW, wouldDelete, "");
  }

  public static PreDeleteOutcome failed(String reason) {
    return new PreDeleteOutcome(Kind.FAILED, 0, reason);
  }

  public String wireValue() {
    return switch (kind) {
      case CLEANED -> "cleaned:" + count;
      case NOTHING_TO_CLEAN -> "nothing_to_clean";
      case SHADOW -> "shadow:would_delete:" + count;
      case FAILED -> "failed:" + reason;
    };
  }
}
