package com.sandboxbroker.cdk;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;

/**
 * @param serviceName physical ECS service name
 * @param cluster where the service runs
 * @param subnets where the tasks run (private)
 * @param image the service image (Dockerfile target {@code service})
 * @param certificate the HTTPS listener's certificate; null only for an internal ALB behind API
 *     Gateway, which then listens on HTTP inside the VPC
 * @param internetFacing false: an internal ALB that only the API Gateway VPC link reaches
 * @param table the broker table
 * @param jobStateMachines the state machines the admin API may start
 * @param environment plain variables; keys are core's ServiceEnvironment names
 * @param secrets secrets to inject, by ServiceEnvironment name
 * @param sizing task size and scaling range
 * @param logRetention retention of the service's log group
 * @param logGroupName physical log group name
 * @param accessLogs ALB access logs to a retained S3 bucket (off for previews, which retain
 *     nothing)
 * @param deployment blue/green bake time and the rollback alarms' thresholds
 */
public record ApiServiceProps(
    String serviceName,
    ICluster cluster,
    SubnetSelection subnets,
    ContainerImage image,
    ICertificate certificate,
    boolean internetFacing,
    ITable table,
    List<IStateMachine> jobStateMachines,
    Map<String, String> environment,
    Map<String, Secret> secrets,
    BrokerSettings.ApiSizing sizing,
    RetentionDays logRetention,
    String logGroupName,
    boolean accessLogs,
    BlueGreen deployment) {
  public ApiServiceProps {
    jobStateMachines = List.copyOf(jobStateMachines);
    environment = Map.copyOf(environment);
    secrets = Map.copyOf(secrets);
    if (certificate == null && internetFacing) {
      throw new IllegalArgumentException(
          "an internet-facing ALB only speaks HTTPS: it needs a certificate");
    }
  }

  /**
   * @param bakeTime how long the new (green) tasks take all traffic while the old (blue) ones stay
   *     registered for an instant rollback
   * @param rollback5xxPerMinute target + ALB 5xx per minute that roll a deployment back
   * @param rollbackP99Millis target response time p99 that rolls a deployment back
   */
  public record BlueGreen(Duration bakeTime, int rollback5xxPerMinute, int rollbackP99Millis) {}
}
