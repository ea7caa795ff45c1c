package com.sandboxbroker.core.job;

import java.util.Optional;

/**
 * Why a run was {@link JobOutcome#SKIPPED}. The detail is what the report, the job-run record and
 * the API show; the metric outcome is the JobOutcome metric's Outcome dimension (the alarms tell a
 * paused job from a busy one by it).
 */
public enum SkipReason {
  /** An operator paused the job. */
  PAUSED("paused", "skipped_paused"),
  /** Another live run holds the job's lock. */
  LOCKED("another run holds the lock", "skipped_locked");

  private final String detail;
  private final String metricOutcome;

  SkipReason(String detail, String metricOutcome) {
    this.detail = detail;
    this.metricOutcome = metricOutcome;
  }

  public String detail() {
    return detail;
  }

  public String metricOutcome() {
    return metricOutcome;
  }

  /** Why {@code run} was skipped; empty for a run that was not. */
  public static Optional<SkipReason> of(JobRun run) {
    if (run.outcome() != JobOutcome.SKIPPED) {
      return Optional.empty();
    }
    // a skipped run that is not paused was skipped because of the lock (the launcher's two skips)
    return Optional.of(PAUSED.detail.equals(run.detail()) ? PAUSED : LOCKED);
  }
}
