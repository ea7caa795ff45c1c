package com.sandboxbroker.core.job;

import com.sandboxbroker.core.contract.JobName;
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
    counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    executionArn = executionArn == null ? "" : executionArn;
    detail = detail == null ? "" : detail;
  }
}
