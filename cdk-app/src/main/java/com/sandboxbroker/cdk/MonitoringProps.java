package com.sandboxbroker.cdk;

import com.sandboxbroker.core.contract.JobName;
import java.time.Duration;
import java.util.Map;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationTargetGroup;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;

/**
 * @param namePrefix prefix of alarm and dashboard names, e.g. {@code sandbox-broker-prod}
 * @param stage the stage, for the dashboard's title
 * @param topic where alarms notify
 * @param stateMachines each job's state machine
 * @param rates each job's schedule period
 * @param missedPeriods periods without a success before the "not succeeded" alarm
 * @param loadBalancer the API's ALB
 * @param targetGroup the API's target group
 * @param table the broker table
 * @param thresholds alarm thresholds
 */
public record MonitoringProps(
    String namePrefix,
    String stage,
    ITopic topic,
    Map<JobName, IStateMachine> stateMachines,
    Map<JobName, Duration> rates,
    int missedPeriods,
    IApplicationLoadBalancer loadBalancer,
    IApplicationTargetGroup targetGroup,
    ITable table,
    BrokerSettings.AlarmSettings thresholds) {
  public MonitoringProps {
    stateMachines = Map.copyOf(stateMachines);
    rates = Map.copyOf(rates);
  }
}
