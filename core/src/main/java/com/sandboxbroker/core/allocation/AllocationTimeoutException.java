package com.sandboxbroker.core.allocation;

/**
 * The claim budget ran out while matching sandboxes still appeared available (e.g. a storm of lost
 * claims or a slow store). Retryable; deliberately not "no sandboxes available".
 */
public final class AllocationTimeoutException extends RuntimeException {
  public AllocationTimeoutException() {
    super("Allocation did not complete within its time budget", null, false, false);
  }
}
