package com.sandboxbroker.cdk;

import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.constructs.IConstruct;

/**
 * A new stage's secrets hold random placeholders until an operator puts the real upstream
 * credentials (README "Deploy"). Until then every scheduled run would fail with InvalidConfig and
 * page each period. So, until the stage is deployed with {@code -c jobSchedules=enabled}: the job
 * schedules are created DISABLED and the "no success in N periods" alarms, which would otherwise
 * page about the schedules being off, have their actions disabled. Everything else (the
 * failed-execution alarms for an execution an operator starts by hand) stays armed.
 */
final class JobSchedulesGate implements IAspect {
  /** Alarm names Monitoring gives the per-job "not succeeded" alarms end with this. */
  static final String NOT_SUCCEEDED_SUFFIX = "-not-succeeded";

  private final boolean enabled;

  JobSchedulesGate(boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public void visit(IConstruct node) {
    if (enabled) {
      return;
    }
    if (node instanceof CfnSchedule schedule
        && node.getNode().getScope() != null
        && node.getNode().getPath().contains("/Schedule-")) {
      schedule.setState("DISABLED");
    }
    if (node instanceof CfnAlarm alarm
        && alarm.getAlarmName() != null
        && alarm.getAlarmName().endsWith(NOT_SUCCEEDED_SUFFIX)) {
      alarm.setActionsEnabled(false);
    }
  }
}
