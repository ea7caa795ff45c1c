package com.sandboxbroker.service.http;

import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import java.util.Optional;

/**
 * Reads and validates the headers tracks send. The identity comes from {@code
 * X-Instruqt-Sandbox-ID}, falling back to the legacy {@code X-Track-ID} when the first is absent or
 * blank (deployed hooks send either).
 */
public final class TrackHeaders {
  public static final String IDENTITY = "X-Instruqt-Sandbox-ID";
  public static final String LEGACY_IDENTITY = "X-Track-ID";
  public static final String LAB = "X-Instruqt-Track-ID";
  public static final String NAME_PREFIX = "X-Sandbox-Name-Prefix";
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** Longest identity, lab, prefix or key accepted; longer values are refused, not truncated. */
  public static final int MAX_LENGTH = 256;

  private TrackHeaders() {}

  public static String identity(String primary, String legacy) {
    String value = isBlank(primary) ? legacy : primary;
    if (isBlank(value)) {
      throw new ApiException(
          ErrorCode.MISSING_SANDBOX_ID,
          "Missing X-Instruqt-Sandbox-ID (or legacy X-Track-ID) header");
    }
    String identity = value.trim();
    if (!isClean(identity)) {
      throw new ApiException(
          ErrorCode.INVALID_SANDBOX_ID,
          "X-Instruqt-Sandbox-ID must be at most "
              + MAX_LENGTH
              + " characters without control characters");
    }
    return identity;
  }

  /** An optional header value, trimmed; blank means absent. */
  public static Optional<String> optional(String value, String header, ErrorCode errorCode) {
    if (isBlank(value)) {
      return Optional.empty();
    }
    String trimmed = value.trim();
    if (!isClean(trimmed)) {
      throw new ApiException(
          errorCode,
          header + " must be at most " + MAX_LENGTH + " characters without control characters");
    }
    return Optional.of(trimmed);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static boolean isClean(String s) {
    return s.length() <= MAX_LENGTH && s.chars().noneMatch(Character::isISOControl);
  }
}
