package com.sandboxbroker.service.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.contract.JobName;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Starts a job's Step Functions state machine for an admin request. The input is the one the
 * schedules send ({@code {"command": ["<job>"]}}), so an admin run and a scheduled run are the same
 * execution path.
 */
public final class StepFunctionsJobStarter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SfnClient sfn;
  private final Map<JobName, String> stateMachines;

  public StepFunctionsJobStarter(SfnClient sfn, Map<JobName, String> stateMachines) {
    this.sfn = sfn;
    this.stateMachines = Map.copyOf(stateMachines);
  }

  public boolean orchestrates(JobName job) {
    return stateMachines.containsKey(job);
  }

  /** The started execution's ARN; empty when the job has no state machine here. */
  public Optional<String> start(JobName job) {
    String arn = stateMachines.get(job);
    if (arn == null) {
      return Optional.empty();
    }
    var input = JSON.createObjectNode();
    input.putArray("command").add(job.wireName());
    input.put("source", "admin-api");
    String name = job.wireName() + "-admin-" + UUID.randomUUID();
    return Optional.of(
        sfn.startExecution(b -> b.stateMachineArn(arn).name(name).input(input.toString()))
            .executionArn());
  }
}
