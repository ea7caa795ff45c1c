package com.sandboxbroker.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** 202 for a job started as a Step Functions execution (contract §3). */
public record JobStartedResponse(
    String status, String job, @JsonProperty("execution_arn") String executionArn) {

  public static JobStartedResponse started(String job, String executionArn) {
    return new JobStartedResponse("started", job, executionArn);
  }
}
