package com.sandboxbroker.service.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.core.job.JobRun;
import java.util.Map;

/**
 * 200 for a job run in-process (contract §3): {@code {"status": "completed", "job", …counts,
 * "duration_ms"}} — the counts sit at the top level, as the earlier broker's clients read them
 * (sync: {@code synced}, {@code marked_stale}; cleanup: {@code deleted}, {@code failed}).
 */
public record JobCompletedResponse(
    String status,
    String job,
    @JsonIgnore Map<String, Long> counts,
    @JsonProperty("duration_ms") long durationMs) {

  @JsonAnyGetter
  public Map<String, Long> flattenedCounts() {
    return counts;
  }

  public static JobCompletedResponse from(JobRun run) {
    return new JobCompletedResponse(
        "completed", run.job().wireName(), run.counts(), run.durationMs());
  }
}
