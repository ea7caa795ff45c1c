package com.sandboxbroker.cdk;

import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * @param namePrefix {@code sandbox-broker-<stage>}: names the pipe, the DLQ and the alarms
 * @param busName the custom event bus ({@code EventContract.busName(stage)})
 * @param table the broker's table; its stream (new and old images) is the events' source
 * @param alarmTopic where the delivery alarms notify
 */
public record LifecycleEventsProps(
    String namePrefix, String busName, ITable table, ITopic alarmTopic) {}
