package com.sandboxbroker.cdk;

import com.sandboxbroker.core.contract.JobName;
import java.time.Duration;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * @param job the job this state machine runs
 * @param stateMachineName physical name (runbooks and the admin API refer to it)
 * @param cluster where the task runs
 * @param jobsTask the jobs-runner task definition
 * @param subnets where the task runs
 * @param assignPublicIp true only in the NAT-free layout (see {@link NetworkProps})
 * @param securityGroup the jobs' security group (no inbound)
 * @param heartbeatTimeout see {@link BrokerSettings.JobsSettings}
 * @param taskTimeout see {@link BrokerSettings.JobsSettings}
 * @param logRetention retention of the execution log group
 */
public record JobStateMachineProps(
    JobName job,
    String stateMachineName,
    ICluster cluster,
    JobsTask jobsTask,
    SubnetSelection subnets,
    boolean assignPublicIp,
    ISecurityGroup securityGroup,
    Duration heartbeatTimeout,
    Duration taskTimeout,
    RetentionDays logRetention) {}
