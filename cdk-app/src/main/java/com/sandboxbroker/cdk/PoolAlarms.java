package com.sandboxbroker.cdk;

import com.sandboxbroker.core.contract.MetricContract;
import com.sandboxbroker.core.pool.PoolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.constructs.Construct;

/**
 * One low-water alarm per configured pool (contract §9): the service writes {@code PoolAvailable}
 * per pool with dimensions {@code Stage} and {@code Pool} every minute, so one lab's pool running
 * dry pages even while the total looks healthy.
 */
public final class PoolAlarms extends Construct {
  /** The dimensions of the per-pool metrics, as the service's EMF lines name them. */
  public static final String STAGE_DIMENSION = MetricContract.STAGE;

  public static final String POOL_DIMENSION = MetricContract.POOL;

  private final List<Alarm> alarms = new ArrayList<>();

  public PoolAlarms(Construct scope, String id, PoolAlarmsProps props) {
    super(scope, id);
    SnsAction notify = new SnsAction(props.topic());
    int i = 0;
    for (PoolDefinition pool : props.pools()) {
      i++;
      if (pool.lowWater() <= 0) {
        continue; // no mark, no alarm
      }
      Metric available =
          Metric.Builder.create()
              .namespace(Monitoring.SERVICE_NAMESPACE)
              .metricName(Monitoring.POOL_AVAILABLE)
              .dimensionsMap(Map.of(STAGE_DIMENSION, props.stage(), POOL_DIMENSION, pool.name()))
              .statistic("Minimum")
              .period(Duration.minutes(5))
              .build();
      Alarm alarm =
          Alarm.Builder.create(this, "PoolLow" + i)
              .alarmName(props.namePrefix() + "-pool-" + pool.name() + "-low")
              .alarmDescription(
                  "Pool "
                      + pool.name()
                      + " (names "
                      + pool.prefix()
                      + "*): fewer than "
                      + pool.lowWater()
                      + " sandboxes available for 10 minutes (or the service stopped reporting it)."
                      + " Runbook: "
                      + Monitoring.RUNBOOK_POOL_LOW)
              .metric(available)
              .threshold(pool.lowWater())
              .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
              .evaluationPeriods(2)
              // every task reports every configured pool every minute: silence means nobody sees it
              .treatMissingData(TreatMissingData.BREACHING)
              .build();
      alarm.addAlarmAction(notify);
      alarms.add(alarm);
    }
  }

  public List<Alarm> alarms() {
    return List.copyOf(alarms);
  }
}
