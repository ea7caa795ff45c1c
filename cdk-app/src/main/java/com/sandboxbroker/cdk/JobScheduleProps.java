package com.sandboxbroker.cdk;

import com.sandboxbroker.core.contract.JobName;
import java.time.Duration;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;

/**
 * @param job the job the schedule starts
 * @param scheduleName physical schedule name
 * @param stateMachine the job's state machine
 * @param rate how often
 */
public record JobScheduleProps(
    JobName job, String scheduleName, IStateMachine stateMachine, Duration rate) {}
