package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.sandboxbroker.core.job.JobRun;
import java.util.Map;

/** One recorded run of a job ({@code GET /v1/admin/jobs}). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobRunResponse(
    String runId,
    String outcome,
    long startedAt,
    long endedAt,
    long durationMs,
    Map<String, Long> counts,
    String executionArn,
    String error,
    String detail) {

  public static JobRunResponse from(JobRun r) {
    return new JobRunResponse(
        r.runId(),
        r.outcome().wireName(),
        r.startedAt(),
        r.startedAt() + r.durationMs() / 1000,
        r.durationMs(),
        r.counts(),
        r.executionArn(),
        r.error().map(e -> e.errorName()).orElse(""),
        r.detail());
  }
}
