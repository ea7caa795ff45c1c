package com.sandboxbroker.service.health;

import com.codahale.metrics.health.HealthCheck;
import com.sandboxbroker.core.store.SandboxStore;

/**
 * DynamoDB reachability on the admin connector's {@code /healthcheck}. The message is fixed: an
 * exception's text could name the table, the account or an endpoint.
 */
public final class DynamoDbHealthCheck extends HealthCheck {
  private final SandboxStore store;

  public DynamoDbHealthCheck(SandboxStore store) {
    this.store = store;
  }

  @Override
  protected Result check() {
    return store.isReachable() ? Result.healthy("reachable") : Result.unhealthy("unavailable");
  }
}
