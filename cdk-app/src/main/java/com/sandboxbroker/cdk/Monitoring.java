package com.sandboxbroker.cdk;

import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.MetricContract;
import com.sandboxbroker.core.job.JobOutcome;
import com.sandboxbroker.core.job.SkipReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeElb;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.constructs.Construct;

/**
 * The alarms (each naming its runbook) and the operations dashboard.
 *
 * <p>The service's own metrics (allocation latency, pool gauges) and the jobs-runner's run metrics
 * (JobOutcome, JobDuration, the run's counts) come from CloudWatch embedded metric format lines
 * both write to their logs: namespace {@value #SERVICE_NAMESPACE}, dimension {@code Stage} on every
 * one (BROKER_STAGE), so two stages in one account never mix in an alarm. The README's "Deploy"
 * section states that contract. The alarms on AWS's own metrics and the event notifications are in
 * {@link OperationsAlarms}.
 */
public final class Monitoring extends Construct {
  public static final String SERVICE_NAMESPACE = MetricContract.NAMESPACE;
  public static final String ALLOCATION_LATENCY = MetricContract.ALLOCATION_LATENCY;
  public static final String POOL_AVAILABLE = MetricContract.POOL_AVAILABLE;
  public static final String POOL_DELETION_FAILED = MetricContract.POOL_DELETION_FAILED;

  /** Runbook pages, relative to the repository root; every alarm's description names one. */
  public static final String RUNBOOK_JOB_FAILED = "runbooks/job-execution-failed.md";

  public static final String RUNBOOK_JOB_NOT_SUCCEEDING = "runbooks/job-not-succeeding.md";
  public static final String RUNBOOK_API_5XX = "runbooks/api-5xx.md";
  public static final String RUNBOOK_ALLOCATION_LATENCY = "runbooks/allocation-latency.md";
  public static final String RUNBOOK_POOL_LOW = "runbooks/pool-low.md";
  public static final String RUNBOOK_DELETION_FAILED = "runbooks/deletion-failed.md";
  public static final String RUNBOOK_DYNAMODB_THROTTLING = "runbooks/dynamodb-throttling.md";
  public static final String RUNBOOK_JOB_PAUSED = "runbooks/job-paused.md";

  /** The jobs-runner's run metric (JobRunMetrics): 1 per run, dimensions Stage, Job, Outcome. */
  public static final String JOB_OUTCOME = MetricContract.JOB_OUTCOME;

  public static final String OUTCOME_SUCCEEDED = JobOutcome.SUCCEEDED.wireName();
  public static final String OUTCOME_SKIPPED_PAUSED = SkipReason.PAUSED.metricOutcome();

  /** Every value of the JobOutcome metric's Outcome dimension, as JobRunMetrics writes them. */
  public static final List<String> JOB_OUTCOMES =
      List.of(
          OUTCOME_SUCCEEDED,
          OUTCOME_SKIPPED_PAUSED,
          SkipReason.LOCKED.metricOutcome(),
          JobOutcome.FAILED.wireName());

  /**
   * A pause older than this is taken to be forgotten (an incident's pause lasts hours, not a day).
   */
  public static final int PAUSED_ALARM_HOURS = 6;

  /** Five minutes: the finest period that is free for standard metrics and still pages promptly. */
  static final Duration PERIOD = Duration.minutes(5);

  private final List<Alarm> alarms = new ArrayList<>();
  private final Dashboard dashboard;

  public Monitoring(Construct scope, String id, MonitoringProps props) {
    super(scope, id);
    SnsAction notify = new SnsAction(props.topic());
    BrokerDashboard.JobRows rows =
        new BrokerDashboard.JobRows(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (JobName job : JobName.values()) {
      // A failed execution notifies once, through OperationsAlarms' EventBridge rule (one message
      // per execution, naming it); there is no ExecutionsFailed alarm to page twice.
      jobNotSucceeded(props, job, notify);
      jobPaused(props, job, notify);
      BrokerDashboard.addJobCards(props, job, rows);
    }
    BrokerDashboard.ServiceMetrics service =
        new BrokerDashboard.ServiceMetrics(
            api5xx(props, notify),
            allocationLatency(props, notify),
            poolLow(props, notify),
            deletionFailed(props, notify),
            dynamoDbThrottles(props, notify));
    this.dashboard = BrokerDashboard.create(this, props, service, rows);
  }

  private void jobNotSucceeded(MonitoringProps props, JobName job, SnsAction notify) {
    String name = job.wireName();
    String prefix = props.namePrefix();
    // No real success for N whole schedule periods: covers a disabled schedule, a state machine
    // that is never started, runs that hang, and runs that do nothing. A paused or lock-skipped
    // run ends in SendTaskSuccess, so ExecutionsSucceeded counts it; the runner's JobOutcome
    // with Outcome=succeeded does not. Missing data means no success, so it breaches.
    var rate = props.rates().get(job);
    add(
        Alarm.Builder.create(this, "JobNotSucceeded-" + name)
            .alarmName(prefix + "-" + name + "-not-succeeded")
            .alarmDescription(
                "No "
                    + name
                    + " run succeeded in "
                    + props.missedPeriods()
                    + " schedule periods of "
                    + rate.toMinutes()
                    + " min (JobOutcome, Outcome=succeeded: skipped runs do not"
                    + " count). Runbook: "
                    + RUNBOOK_JOB_NOT_SUCCEEDING)
            .metric(
                jobOutcome(
                    props.stage(), name, OUTCOME_SUCCEEDED, Duration.minutes(rate.toMinutes())))
            .threshold(1)
            .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
            .evaluationPeriods(props.missedPeriods())
            .datapointsToAlarm(props.missedPeriods())
            .treatMissingData(TreatMissingData.BREACHING),
        notify);
  }

  private void jobPaused(MonitoringProps props, JobName job, SnsAction notify) {
    String name = job.wireName();
    String prefix = props.namePrefix();
    var rate = props.rates().get(job);
    // A pause is an operator's deliberate act for an incident; one still in force after
    // PAUSED_ALARM_HOURS is a forgotten pause. An hour counts when its runs were skipped as
    // paused and none succeeded; N such hours in a row alarm.
    long pausePeriodMinutes = Math.max(60, rate.toMinutes());
    int pausePeriods = (int) Math.max(1, PAUSED_ALARM_HOURS * 60 / pausePeriodMinutes);
    Duration pausePeriod = Duration.minutes(pausePeriodMinutes);
    add(
        Alarm.Builder.create(this, "JobPaused-" + name)
            .alarmName(prefix + "-" + name + "-paused-too-long")
            .alarmDescription(
                "Every "
                    + name
                    + " run for "
                    + PAUSED_ALARM_HOURS
                    + " hours was skipped because the job"
                    + " is paused (JobOutcome, Outcome=skipped_paused). Runbook: "
                    + RUNBOOK_JOB_PAUSED)
            .metric(
                MathExpression.Builder.create()
                    .expression("IF(FILL(paused, 0) > 0 AND FILL(succeeded, 0) == 0, 1, 0)")
                    .usingMetrics(
                        Map.of(
                            "paused",
                                jobOutcome(
                                    props.stage(), name, OUTCOME_SKIPPED_PAUSED, pausePeriod),
                            "succeeded",
                                jobOutcome(props.stage(), name, OUTCOME_SUCCEEDED, pausePeriod)))
                    .label(name + " hours with only paused runs")
                    .period(pausePeriod)
                    .build())
            .threshold(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .evaluationPeriods(pausePeriods)
            .datapointsToAlarm(pausePeriods)
            .treatMissingData(TreatMissingData.NOT_BREACHING),
        notify);
  }

  private MathExpression api5xx(MonitoringProps props, SnsAction notify) {
    String prefix = props.namePrefix();
    MathExpression alb5xx =
        MathExpression.Builder.create()
            .expression("FILL(target, 0) + FILL(elb, 0)")
            .usingMetrics(
                Map.of(
                    "target",
                        props
                            .loadBalancer()
                            .getMetrics()
                            .httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT),
                    "elb",
                        props.loadBalancer().getMetrics().httpCodeElb(HttpCodeElb.ELB_5XX_COUNT)))
            .label("5xx responses (targets + ALB)")
            .period(PERIOD)
            .build();
    add(
        Alarm.Builder.create(this, "Api5xx")
            .alarmName(prefix + "-api-5xx")
            .alarmDescription(
                "The API returned at least "
                    + props.thresholds().alb5xxPer5Min()
                    + " 5xx responses in each of two 5-minute periods. Runbook: "
                    + RUNBOOK_API_5XX)
            .metric(alb5xx)
            .threshold(props.thresholds().alb5xxPer5Min())
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            // two periods: one bad deployment step that the circuit breaker rolls back is noise
            .evaluationPeriods(2)
            .treatMissingData(TreatMissingData.NOT_BREACHING),
        notify);
    return alb5xx;
  }

  private Metric allocationLatency(MonitoringProps props, SnsAction notify) {
    String prefix = props.namePrefix();
    Metric allocationP99 = serviceMetric(props.stage(), ALLOCATION_LATENCY, "p99");
    add(
        Alarm.Builder.create(this, "AllocationLatency")
            .alarmName(prefix + "-allocation-latency-p99")
            .alarmDescription(
                "Allocation p99 latency stayed above "
                    + props.thresholds().allocationP99Millis()
                    + " ms for 15 minutes. Runbook: "
                    + RUNBOOK_ALLOCATION_LATENCY)
            .metric(allocationP99)
            .threshold(props.thresholds().allocationP99Millis())
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .evaluationPeriods(3)
            // no allocations, no latency: quiet hours are not an incident
            .treatMissingData(TreatMissingData.NOT_BREACHING),
        notify);
    return allocationP99;
  }

  private Metric poolLow(MonitoringProps props, SnsAction notify) {
    String prefix = props.namePrefix();
    Metric poolAvailable = serviceMetric(props.stage(), POOL_AVAILABLE, "Minimum");
    add(
        Alarm.Builder.create(this, "PoolLow")
            .alarmName(prefix + "-pool-available-low")
            .alarmDescription(
                "Fewer than "
                    + props.thresholds().poolLowWater()
                    + " sandboxes available for 10 minutes"
                    + " (or the service stopped reporting the pool). Runbook: "
                    + RUNBOOK_POOL_LOW)
            .metric(poolAvailable)
            .threshold(props.thresholds().poolLowWater())
            .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
            .evaluationPeriods(2)
            // every task reports the gauge every minute: silence means nobody can see the pool
            .treatMissingData(TreatMissingData.BREACHING),
        notify);
    return poolAvailable;
  }

  private Metric deletionFailed(MonitoringProps props, SnsAction notify) {
    String prefix = props.namePrefix();
    Metric deletionFailed = serviceMetric(props.stage(), POOL_DELETION_FAILED, "Maximum");
    add(
        Alarm.Builder.create(this, "DeletionFailed")
            .alarmName(prefix + "-deletion-failed")
            .alarmDescription(
                "At least one sandbox is in deletion_failed: cleanup gave up on it after its"
                    + " attempts. Runbook: "
                    + RUNBOOK_DELETION_FAILED)
            .metric(deletionFailed)
            .threshold(0)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .evaluationPeriods(1)
            .treatMissingData(TreatMissingData.NOT_BREACHING),
        notify);
    return deletionFailed;
  }

  private MathExpression dynamoDbThrottles(MonitoringProps props, SnsAction notify) {
    String prefix = props.namePrefix();
    MathExpression throttles =
        MathExpression.Builder.create()
            .expression("FILL(reads, 0) + FILL(writes, 0)")
            .usingMetrics(
                Map.of(
                    "reads", props.table().metric("ReadThrottleEvents", sum()),
                    "writes", props.table().metric("WriteThrottleEvents", sum())))
            .label("DynamoDB throttle events")
            .period(PERIOD)
            .build();
    add(
        Alarm.Builder.create(this, "DynamoDbThrottles")
            .alarmName(prefix + "-dynamodb-throttles")
            .alarmDescription(
                "The table throttled requests in three consecutive 5-minute periods (the SDK's"
                    + " retries absorb single bursts). Runbook: "
                    + RUNBOOK_DYNAMODB_THROTTLING)
            .metric(throttles)
            .threshold(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .evaluationPeriods(3)
            .treatMissingData(TreatMissingData.NOT_BREACHING),
        notify);
    return throttles;
  }

  private static MetricOptions sum() {
    return MetricOptions.builder().statistic("Sum").period(PERIOD).build();
  }

  static Metric serviceMetric(String stage, String name, String statistic) {
    return Metric.Builder.create()
        .namespace(SERVICE_NAMESPACE)
        .metricName(name)
        .dimensionsMap(Map.of(MetricContract.STAGE, stage))
        .statistic(statistic)
        .period(PERIOD)
        .build();
  }

  static Metric jobOutcome(String stage, String job, String outcome, Duration period) {
    return Metric.Builder.create()
        .namespace(SERVICE_NAMESPACE)
        .metricName(JOB_OUTCOME)
        .dimensionsMap(
            Map.of(
                MetricContract.STAGE,
                stage,
                MetricContract.JOB,
                job,
                MetricContract.OUTCOME,
                outcome))
        .statistic("Sum")
        .period(period)
        .build();
  }

  private void add(Alarm.Builder builder, SnsAction notify) {
    Alarm alarm = builder.build();
    alarm.addAlarmAction(notify);
    alarms.add(alarm);
  }

  public List<Alarm> alarms() {
    return List.copyOf(alarms);
  }

  public Dashboard dashboard() {
    return dashboard;
  }
}
