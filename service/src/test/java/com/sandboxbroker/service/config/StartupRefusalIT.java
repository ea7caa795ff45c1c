package com.sandboxbroker.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sandboxbroker.service.BrokerApplication;
import com.sandboxbroker.service.BrokerConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configurations the service must refuse at start-up, each with a message that names what to
 * change. Every case starts the real application on the repository's shipped {@code config.yml}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StartupRefusalIT {
  private static final Map<String, String> ENV =
      Map.of("BROKER_API_TOKEN", "t-track", "BROKER_ADMIN_TOKEN", "t-admin");

  private static Throwable start(ConfigOverride... overrides) {
    return start(Path.of("..", "config.yml"), overrides);
  }

  private static Throwable start(Path configFile, ConfigOverride... overrides) {
    List<ConfigOverride> all = new ArrayList<>(List.of(overrides));
    all.add(ConfigOverride.config("server.applicationConnectors[0].port", "0"));
    all.add(ConfigOverride.config("server.adminConnectors[0].port", "0"));
    var app =
        new DropwizardTestSupport<BrokerConfiguration>(
            BrokerApplication.class,
            configFile.toAbsolutePath().toString(),
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

  /**
   * Substitution is strict: a {@code ${VAR}} without a default whose variable is unset stops the
   * start naming the variable. Before, the service started with the literal text as the value.
   */
  @Test
  void anUnsetVariableWithoutADefaultIsRefusedNamingIt(@TempDir Path dir) throws IOException {
    String unset = "SANDBOX_BROKER_TEST_NEVER_SET";
    assertThat(System.getenv(unset)).as("the variable this test needs unset").isNull();
    String shipped = Files.readString(Path.of("..", "config.yml"));
    String required = shipped.replace("${BROKER_STAGE:-local}", "${" + unset + "}");
    assertThat(required).as("config.yml still has the line this test edits").isNotEqualTo(shipped);
    Path config = Files.writeString(dir.resolve("config.yml"), required);

    Throwable thrown = start(config);

    assertThat(thrown).as("the service started").isNotNull();
    assertThat(thrown)
        .hasMessageContaining(unset)
        .hasMessageContaining("not set and the file gives it no default");
  }

  /**
   * The shipped config.yml gives every variable it reads a default, so strict substitution starts
   * it.
   */
  @Test
  void theShippedConfigStartsUnderStrictSubstitution() {
    assertThat(start()).isNull();
  }
}
