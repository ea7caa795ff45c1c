package com.sandboxbroker.core.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one run of a job did.
 *
 * @param counts what the job counted, in a stable order (rendered in the report and the API)
 * @param failure set when the run could not do its work; counts still say what it did do
 * @param detail a short, secret-free explanation of the failure for operators
 */
public record JobResult(Map<String, Long> counts, Optional<JobError> failure, String detail) {
  public JobResult {
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    detail = detail == null ? "" : detail;
  }

  public static JobResult succeeded(Map<String, Long> counts) {
    return new JobResult(counts, Optional.empty(), "");
  }

  /** Succeeded, with something an operator should know (e.g. a refused mass-stale). */
  public static JobResult succeeded(Map<String, Long> counts, String detail) {
    return new JobResult(counts, Optional.empty(), detail);
  }

  public static JobResult failed(Map<String, Long> counts, JobError error, String detail) {
    return new JobResult(counts, Optional.of(error), detail);
  }
}
