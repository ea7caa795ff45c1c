package com.sandboxbroker.cdk;

import java.util.Map;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * @param image the jobs-runner image (Dockerfile target {@code jobs-runner})
 * @param table the broker table the jobs read and write
 * @param environment plain (non-secret) variables; keys are core's JobsEnvironment names
 * @param secrets the secrets to inject, by JobsEnvironment name
 * @param cpu Fargate CPU units
 * @param memoryMiB Fargate memory
 * @param logRetention retention of the task's log group
 * @param logGroupName physical log group name
 */
public record JobsTaskProps(
    ContainerImage image,
    ITable table,
    Map<String, String> environment,
    Map<String, Secret> secrets,
    int cpu,
    int memoryMiB,
    RetentionDays logRetention,
    String logGroupName) {
  public JobsTaskProps {
    environment = Map.copyOf(environment);
    secrets = Map.copyOf(secrets);
  }
}
