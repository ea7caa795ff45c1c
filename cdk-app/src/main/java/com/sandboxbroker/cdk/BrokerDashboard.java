package com.sandboxbroker.cdk;

import static com.sandboxbroker.cdk.Monitoring.ALLOCATION_LATENCY;
import static com.sandboxbroker.cdk.Monitoring.JOB_OUTCOMES;
import static com.sandboxbroker.cdk.Monitoring.PERIOD;
import static com.sandboxbroker.cdk.Monitoring.SERVICE_NAMESPACE;
import static com.sandboxbroker.cdk.Monitoring.jobOutcome;
import static com.sandboxbroker.cdk.Monitoring.serviceMetric;

import com.sandboxbroker.core.contract.JobName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.SingleValueWidget;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * {@link Monitoring}'s CloudWatch dashboard: the pool, latency and API row, one card per job for
 * its outcomes, counts and executions, and the load balancer and table row. Built in the Monitoring
 * construct's scope (its construct path is unchanged); kept apart so each file reads on its own.
 */
final class BrokerDashboard {
  /** The dashboard's three rows of job widgets, one widget per job in each. */
  record JobRows(List<IWidget> outcomes, List<IWidget> counts, List<IWidget> executions) {}

  /** The service metrics the alarms watch and the dashboard shows. */
  record ServiceMetrics(
      MathExpression alb5xx,
      Metric allocationP99,
      Metric poolAvailable,
      Metric deletionFailed,
      MathExpression throttles) {}

  static void addJobCards(MonitoringProps props, JobName job, JobRows rows) {
    String name = job.wireName();
    // the job cards: what the runs did (by outcome) and what they counted (every count the
    // runner publishes, found by SEARCH so a new count needs no dashboard change)
    List<IMetric> outcomes = new ArrayList<>();
    for (String outcome : JOB_OUTCOMES) {
      outcomes.add(
          jobOutcome(props.stage(), name, outcome, PERIOD)
              .with(MetricOptions.builder().label(outcome).build()));
    }
    rows.outcomes()
        .add(
            GraphWidget.Builder.create()
                .title("Job " + name + ": runs by outcome")
                .left(outcomes)
                .stacked(true)
                .width(8)
                .build());
    rows.counts()
        .add(
            GraphWidget.Builder.create()
                .title("Job " + name + ": counts per run")
                .left(
                    List.of(
                        MathExpression.Builder.create()
                            .expression(
                                "SEARCH('{"
                                    + SERVICE_NAMESPACE
                                    + ",Stage,Job} Stage=\""
                                    + props.stage()
                                    + "\" Job=\""
                                    + name
                                    + "\"', 'Sum', 300)")
                            .usingMetrics(Map.of())
                            .label(name)
                            .period(PERIOD)
                            .build()))
                .width(8)
                .build());
    IStateMachine machine = props.stateMachines().get(job);
    rows.executions()
        .add(
            GraphWidget.Builder.create()
                .title("Job " + name + ": executions")
                .left(
                    List.of(
                        machine.metricSucceeded(),
                        machine.metricFailed(),
                        machine.metricTimedOut(),
                        machine.metricAborted()))
                .width(8)
                .build());
  }

  static Dashboard create(
      Construct scope, MonitoringProps props, ServiceMetrics service, JobRows rows) {
    return Dashboard.Builder.create(scope, "Dashboard")
        .dashboardName(props.namePrefix())
        .widgets(
            List.of(
                List.of(
                    TextWidget.Builder.create()
                        .markdown(
                            "# Sandbox Broker "
                                + props.stage()
                                + "\nAlarms link their runbook in `runbooks/`. Pool and latency"
                                + " metrics come from the service (namespace `"
                                + SERVICE_NAMESPACE
                                + "`).")
                        .width(24)
                        .height(2)
                        .build()),
                List.of(
                    SingleValueWidget.Builder.create()
                        .title("Pool")
                        .metrics(List.of(service.poolAvailable(), service.deletionFailed()))
                        .width(8)
                        .build(),
                    GraphWidget.Builder.create()
                        .title("Allocation latency")
                        .left(
                            List.of(
                                serviceMetric(props.stage(), ALLOCATION_LATENCY, "p50"),
                                service.allocationP99()))
                        .width(8)
                        .build(),
                    GraphWidget.Builder.create()
                        .title("API requests and 5xx")
                        .left(List.of(props.loadBalancer().getMetrics().requestCount()))
                        .right(List.of(service.alb5xx()))
                        .width(8)
                        .build()),
                rows.outcomes(),
                rows.counts(),
                rows.executions(),
                List.of(
                    GraphWidget.Builder.create()
                        .title("Target response time")
                        .left(List.of(props.loadBalancer().getMetrics().targetResponseTime()))
                        .width(12)
                        .build(),
                    GraphWidget.Builder.create()
                        .title("DynamoDB throttles and capacity")
                        .left(List.of(service.throttles()))
                        .right(
                            List.of(
                                props.table().metricConsumedReadCapacityUnits(),
                                props.table().metricConsumedWriteCapacityUnits()))
                        .width(12)
                        .build())))
        .build();
  }

  private BrokerDashboard() {}
}
