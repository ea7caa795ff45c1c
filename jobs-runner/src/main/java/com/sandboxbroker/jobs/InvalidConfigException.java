package com.sandboxbroker.jobs;

/** The runner's environment is missing or invalid. The message names variables, never values. */
final class InvalidConfigException extends RuntimeException {
  InvalidConfigException(String message) {
    super(message, null, false, false);
  }
}
