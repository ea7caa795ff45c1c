package com.sandboxbroker.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sandboxbroker.service.BrokerApplication;
import com.sandboxbroker.service.BrokerConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Configurations the service must refuse at start-up, each with a message that names what to
 * change. Every case starts the real application on the repository's shipped {@code config.yml}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StartupRefusalTest {
  private static final Map<String, String> ENV =
      Map.of("BROKER_API_TOKEN", "t-track", "BROKER_ADMIN_TOKEN", "t-admin");

  private static Throwable start(ConfigOverride... overrides) {
    List<ConfigOverride> all = new ArrayList<>(List.of(overrides));
    all.add(ConfigOverride.config("server.applicationConnectors[0].port", "0"));
    all.add(ConfigOverride.config("server.adminConnectors[0].port", "0"));
    var app =
        new DropwizardTestSupport<BrokerConfiguration>(
            BrokerApplication.class,
            Path.of("..", "config.yml").toAbsolutePath().toString(),
            all.toArray(ConfigOverride[]::new)) {
          @Override
          public Application<BrokerConfiguration> newApplication() {
            return new BrokerApplication(ENV, Clock.systemUTC());
          }
        };
    Throwable thrown = catchThrowable(app::before);
    app.after();
    return thrown;
  }

  /**
   * The shipped config.yml with only BROKER_STORE=aws (the jobs provider left at its default):
   * before the fix it started, and its demo sync imported the demo pool into the real table.
   */
  @Test
  void theDemoProviderOnTheAwsStoreIsRefusedNamingBoth() {
    Throwable thrown =
        start(
            ConfigOverride.config("dynamoDb.mode", "aws"),
            ConfigOverride.config("dynamoDb.tableName", "sandbox-broker-prod"));
    assertThat(thrown).as("the service started").isNotNull();
    assertThat(thrown.getMessage())
        .contains("jobs.inProcessProvider=demo")
        .contains("dynamoDb.mode=aws")
        .contains("BROKER_JOBS_PROVIDER=none");
  }

  /** A remote endpoint override is no proof of a throwaway table either. */
  @Test
  void theDemoProviderOnAnAwsStoreWithARemoteEndpointIsRefused() {
    Throwable thrown =
        start(
            ConfigOverride.config("dynamoDb.mode", "aws"),
            ConfigOverride.config("dynamoDb.endpoint", "https://dynamodb.eu-west-1.amazonaws.com"));
    assertThat(thrown).isNotNull();
    assertThat(thrown.getMessage())
        .contains("jobs.inProcessProvider=demo")
        .contains("dynamoDb.mode=aws");
  }

  /**
   * Before the fix a lab lease of 0 hours was accepted: every allocation of that lab expired at
   * once.
   */
  @Test
  void aLabLeaseOfZeroHoursIsRefused() {
    Throwable thrown = start(ConfigOverride.config("allocation.leaseHoursByLab.adventure", "0"));
    assertThat(thrown).as("the service started").isNotNull();
    assertThat(thrown.getMessage())
        .contains("leaseHoursByLab")
        .contains("must be greater than or equal to 1");
  }
}
