package com.sandboxbroker.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sandboxbroker.core.job.JobError;
import com.sandboxbroker.core.job.JobOutcome;
import com.sandboxbroker.core.job.JobRun;

/**
 * The one-line JSON report on stdout, also the {@code SendTaskSuccess} output (design §6): {@code
 * {"job","outcome","counts","started_at","duration_ms","execution_arn"}}, plus {@code error} and
 * {@code detail} when they apply. Built from secret-free fields only.
 */
final class JobReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobReport() {}

  static String toJson(JobRun run) {
    ObjectNode root = JSON.createObjectNode();
    root.put("job", run.job().wireName());
    root.put("outcome", run.outcome().wireName());
    ObjectNode counts = root.putObject("counts");
    run.counts().forEach(counts::put);
    root.put("started_at", run.startedAt());
    root.put("duration_ms", run.durationMs());
    root.put("execution_arn", run.executionArn());
    run.error().ifPresent(e -> root.put("error", e.errorName()));
    if (!run.detail().isEmpty()) {
      root.put("detail", run.detail());
    }
    return root.toString();
  }

  /** The report of a run that never started because its configuration is invalid. */
  static String invalidConfig(String job, long startedAt, String executionArn, String detail) {
    ObjectNode root = JSON.createObjectNode();
    root.put("job", job);
    root.put("outcome", JobOutcome.FAILED.wireName());
    root.putObject("counts");
    root.put("started_at", startedAt);
    root.put("duration_ms", 0);
    root.put("execution_arn", executionArn);
    root.put("error", JobError.INVALID_CONFIG.errorName());
    root.put("detail", detail);
    return root.toString();
  }
}
