package com.sandboxbroker.service.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * One job's state: paused flag, whether a run holds its lock, how it is run here, its last runs.
 *
 * @param runner {@code in-process} or {@code step-functions}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobStatusResponse(
    String job, boolean paused, boolean running, String runner, List<JobRunResponse> lastRuns) {}
