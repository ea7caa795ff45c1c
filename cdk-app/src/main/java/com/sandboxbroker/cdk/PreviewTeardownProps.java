package com.sandboxbroker.cdk;

import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * @param stage the preview's name
 * @param preview when to delete and how long before to warn
 * @param clusterName the ECS cluster
 * @param serviceName the API's ECS service
 * @param topic where the warning and a failure go
 * @param logRetention retention of the state machine's log group
 */
public record PreviewTeardownProps(
    String stage,
    DeliverySettings.Preview preview,
    String clusterName,
    String serviceName,
    ITopic topic,
    RetentionDays logRetention) {}
