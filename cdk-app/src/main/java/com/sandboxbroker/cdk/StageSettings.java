package com.sandboxbroker.cdk;

import java.util.Objects;

/**
 * What differs between the stages of the one app: where a stage lives, how big it is, how it is
 * reached and who hears its alarms. {@link Stages} holds one per long-lived stage.
 *
 * @param name the stage name: part of every physical name and the {@code stage} tag
 * @param account the AWS account the stage deploys to (each stage its own account)
 * @param region the AWS region
 * @param api API task size and scaling range
 * @param natGateways 0 (NAT-free layout), 1 or 2
 * @param domain the API's host name in a hosted zone of that account; null: given on the command
 *     line ({@code -c hostedZoneId=… -c hostedZoneName=…}) or a certificate ARN instead
 * @param alarmEmail address subscribed to the alarm topic; null: subscribe later
 */
public record StageSettings(
    String name,
    String account,
    String region,
    BrokerSettings.ApiSizing api,
    int natGateways,
    DomainSettings domain,
    String alarmEmail) {
  public StageSettings {
    Objects.requireNonNull(name, "name");
    if (account == null || !account.matches("\\d{12}")) {
      throw new IllegalArgumentException("account must be 12 digits: " + account);
    }
    if (region == null || !region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
      throw new IllegalArgumentException("region must be an AWS region name: " + region);
    }
    Objects.requireNonNull(api, "api");
  }
}
