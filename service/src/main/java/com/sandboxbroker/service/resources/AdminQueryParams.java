package com.sandboxbroker.service.resources;

import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import java.util.Optional;

/** The admin listing's and purges' query parameters, read strictly: bad input is a 400. */
final class AdminQueryParams {
  /** Identities and lab labels are at most this long (contract §1). */
  static final int MAX_FILTER_LENGTH = 256;

  private AdminQueryParams() {}

  static Optional<SandboxStatus> optionalStatus(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        SandboxStatus.fromWireName(value)
            .orElseThrow(
                () ->
                    // the code's message lists the statuses
                    new ApiException(ErrorCode.INVALID_STATUS)));
  }

  static Optional<String> filterValue(String value, String name) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > MAX_FILTER_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(
          ErrorCode.INVALID_FILTER,
          name + " must be at most 256 characters without control characters");
    }
    return Optional.of(value);
  }

  static int boundedInt(String value, int dflt, int min, int max, ErrorCode code, String message) {
    if (value == null || value.isEmpty()) {
      return dflt;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // falls through to the refusal
    }
    throw new ApiException(code, message);
  }
}
