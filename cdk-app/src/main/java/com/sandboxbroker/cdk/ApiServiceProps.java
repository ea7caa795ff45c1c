package com.sandboxbroker.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;

/**
 * @param serviceName physical ECS service name
 * @param cluster where the service runs
 * @param subnets where the tasks run (private)
 * @param image the service image (Dockerfile target {@code service})
 * @param certificateArn ACM certificate for the HTTPS listener
 * @param table the broker table
 * @param jobStateMachines the state machines the admin API may start
 * @param environment plain variables; keys are core's ServiceEnvironment names
 * @param secrets secrets to inject, by ServiceEnvironment name
 * @param sizing task size and scaling range
 * @param logRetention retention of the service's log group
 * @param logGroupName physical log group name
 */
public record ApiServiceProps(
    String serviceName,
    ICluster cluster,
    SubnetSelection subnets,
    ContainerImage image,
    String certificateArn,
    ITable table,
    List<IStateMachine> jobStateMachines,
    Map<String, String> environment,
    Map<String, software.amazon.awscdk.services.ecs.Secret> secrets,
    BrokerSettings.ApiSizing sizing,
    RetentionDays logRetention,
    String logGroupName) {
  public ApiServiceProps {
    jobStateMachines = List.copyOf(jobStateMachines);
    environment = Map.copyOf(environment);
    secrets = Map.copyOf(secrets);
  }
}
