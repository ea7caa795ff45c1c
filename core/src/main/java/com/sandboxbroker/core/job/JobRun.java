package com.sandboxbroker.core.job;

import com.sandboxbroker.core.contract.JobName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a job as reported and recorded (a job-run record, kept for a retention by TTL).
 *
 * @param startedAt epoch seconds
 * @param executionArn the Step Functions execution that launched it, {@code ""} when none
 * @param error the stable error name of a failed run
 * @param detail secret-free reason (why skipped or failed), {@code ""} otherwise
 */
public record JobRun(
    JobName job,
    String runId,
    JobOutcome outcome,
    Map<String, Long> counts,
    long startedAt,
    long durationMs,
    String executionArn,
    Optional<JobError> error,
    String detail) {

  public JobRun {
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    executionArn = executionArn == null ? "" : executionArn;
    detail = detail == null ? "" : detail;
  }

  /** The runner's exit code of a run that succeeded or was skipped (design §6). */
  public static final int EXIT_OK = 0;

  /** The runner's exit code for this run: {@link #EXIT_OK} unless it failed, then its error's. */
  public int exitCode() {
    return outcome == JobOutcome.FAILED ? error.orElse(JobError.JOB_FAILED).exitCode() : EXIT_OK;
  }
}
