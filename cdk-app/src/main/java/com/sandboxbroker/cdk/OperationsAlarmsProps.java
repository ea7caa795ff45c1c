package com.sandboxbroker.cdk;

import java.util.List;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.ecs.IService;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationTargetGroup;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;

/**
 * @param namePrefix prefix of alarm and rule names, e.g. {@code sandbox-broker-prod}
 * @param topic where alarms and event notifications go
 * @param stateMachines the jobs' state machines (one notification per failed execution)
 * @param cluster the ECS cluster (Container Insights on)
 * @param apiService the API's ECS service
 * @param targetGroups the API's target groups: blue/green swaps production traffic between the two
 *     on every deployment (with either ingress: API Gateway reaches the same, internal, ALB), so
 *     the unhealthy-targets alarm watches both
 * @param table the broker table
 * @param logGroupNames the log groups that carry EMF lines (the API's and the jobs')
 * @param scheduleGroup the EventBridge Scheduler group of the job schedules
 */
public record OperationsAlarmsProps(
    String namePrefix,
    ITopic topic,
    List<IStateMachine> stateMachines,
    ICluster cluster,
    IService apiService,
    List<IApplicationTargetGroup> targetGroups,
    ITable table,
    List<String> logGroupNames,
    String scheduleGroup) {
  public OperationsAlarmsProps {
    stateMachines = List.copyOf(stateMachines);
    logGroupNames = List.copyOf(logGroupNames);
    targetGroups = List.copyOf(targetGroups);
    if (targetGroups.isEmpty()) {
      throw new IllegalArgumentException("the API has at least one target group");
    }
  }
}
