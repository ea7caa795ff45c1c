package com.sandboxbroker.core.job;

/**
 * Why a run failed, with the stable names Step Functions' {@code Retry}/{@code Catch} match on
 * ({@code SendTaskFailure}'s error) and the runner's documented exit codes (design §6).
 */
public enum JobError {
  /** The upstream provider is down, rate-limiting hard, or its circuit is open: retry later. */
  UPSTREAM_UNAVAILABLE("UpstreamUnavailable", 3),
  /** Anything else that stopped the run. */
  JOB_FAILED("JobFailed", 1),
  /** The runner's configuration is missing or invalid: retrying cannot help. */
  INVALID_CONFIG("InvalidConfig", 2);

  private final String errorName;
  private final int exitCode;

  JobError(String errorName, int exitCode) {
    this.errorName = errorName;
    this.exitCode = exitCode;
  }

  public String errorName() {
    return errorName;
  }

  public int exitCode() {
    return exitCode;
  }
}
