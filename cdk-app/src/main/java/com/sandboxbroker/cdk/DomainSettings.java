package com.sandboxbroker.cdk;

import java.util.Objects;

/**
 * The API's DNS name in a Route 53 hosted zone the account owns. With it the stack requests a
 * DNS-validated ACM certificate for {@code hostName} and points an alias record at the ingress, so
 * no certificate ARN has to be created by hand and {@code ApiUrl} is the real host name.
 *
 * @param hostedZoneId the zone's id (Z…); taken as given, no lookup, so synth needs no credentials
 * @param zoneName the zone's name, e.g. {@code sandbox-broker.example.org}
 * @param hostName the API's host name inside that zone, e.g. {@code api.sandbox-broker.example.org}
 */
public record DomainSettings(String hostedZoneId, String zoneName, String hostName) {
  public DomainSettings {
    Objects.requireNonNull(hostedZoneId, "hostedZoneId");
    Objects.requireNonNull(zoneName, "zoneName");
    Objects.requireNonNull(hostName, "hostName");
    if (!hostedZoneId.matches("Z[A-Z0-9]{4,31}")) {
      throw new IllegalArgumentException(
          "hostedZoneId must be a Route 53 zone id (Z…): " + hostedZoneId);
    }
    zoneName = stripDot(zoneName);
    hostName = stripDot(hostName);
    if (!(hostName.equals(zoneName) || hostName.endsWith("." + zoneName))) {
      throw new IllegalArgumentException(
          "hostName " + hostName + " is not inside the zone " + zoneName);
    }
  }

  /** {@code <label>.<zone>}: how a preview stage gets a name under dev's zone. */
  public DomainSettings withHostLabel(String label) {
    return new DomainSettings(hostedZoneId, zoneName, label + "." + zoneName);
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
