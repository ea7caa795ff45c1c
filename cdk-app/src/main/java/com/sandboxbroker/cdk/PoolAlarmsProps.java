package com.sandboxbroker.cdk;

import com.sandboxbroker.core.pool.PoolDefinition;
import java.util.List;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * @param namePrefix prefix of alarm names, e.g. {@code sandbox-broker-prod}
 * @param stage the {@code Stage} dimension value the service reports with
 * @param topic where alarms notify
 * @param pools the configured pools; those with a low-water mark get an alarm
 */
public record PoolAlarmsProps(
    String namePrefix, String stage, ITopic topic, List<PoolDefinition> pools) {
  public PoolAlarmsProps {
    pools = List.copyOf(pools);
  }
}
