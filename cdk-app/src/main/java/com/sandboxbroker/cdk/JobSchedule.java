package com.sandboxbroker.cdk;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.amazon.awscdk.services.scheduler.targets.StepFunctionsStartExecution;
import software.constructs.Construct;

/** The EventBridge Scheduler schedule that starts one job's state machine. */
public final class JobSchedule extends Construct {
  /** The schedules live in the account's default group; Scheduler's metrics are per group. */
  public static final String SCHEDULE_GROUP = "default";

  private final Schedule schedule;

  public JobSchedule(Construct scope, String id, JobScheduleProps props) {
    super(scope, id);
    long minutes = props.rate().toMinutes();
    this.schedule =
        Schedule.Builder.create(this, "Schedule")
            .scheduleName(props.scheduleName())
            .description("Starts the " + props.job().wireName() + " job every " + minutes + " min")
            .schedule(ScheduleExpression.rate(Duration.minutes(minutes)))
            .target(
                new StepFunctionsStartExecution(
                    props.stateMachine(),
                    ScheduleTargetBaseProps.builder()
                        .input(
                            ScheduleTargetInput.fromObject(Map.of("job", props.job().wireName())))
                        // a start older than one period is superseded by the next one anyway
                        .maxEventAge(Duration.minutes(Math.max(1, minutes)))
                        .retryAttempts(3)
                        .build()))
            .build();
  }

  public Schedule schedule() {
    return schedule;
  }
}
