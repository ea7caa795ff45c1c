package com.sandboxbroker.cdk;

import java.util.List;

/**
 * @param namePrefix Secrets Manager name prefix, e.g. {@code sandbox-broker/prod/}
 * @param envNames the secret environment variables (from core's contracts), one secret each
 */
public record BrokerSecretsProps(String namePrefix, List<String> envNames) {
  public BrokerSecretsProps {
    envNames = List.copyOf(envNames);
  }
}
