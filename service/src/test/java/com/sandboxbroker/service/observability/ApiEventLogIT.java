package com.sandboxbroker.service.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sandboxbroker.service.BrokerConfiguration;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** One structured event per API request, with the contract's fields and never a token. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ApiEventLogIT {

  @Test
  void everyApiRequestLogsOneEventWithItsFieldsAndNoToken() {
    try (TestBroker broker = TestBroker.start()) {
      broker.seed("lab-log-", 2);
      Logger api = (Logger) LoggerFactory.getLogger("com.sandboxbroker.service.api");
      ListAppender<ILoggingEvent> events = new ListAppender<>();
      events.start();
      api.addAppender(events);
      api.setLevel(Level.INFO); // the test config logs WARN and above only
      try {
        broker.send(
            broker
                .request("/v1/allocate", TestBroker.TRACK_TOKEN)
                .header("X-Instruqt-Sandbox-ID", "log-learner")
                .header("X-Instruqt-Track-ID", "adventure")
                .header("X-Request-ID", "trace-me-1")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
        broker.get("/v1/admin/sandboxes/none", TestBroker.ADMIN_TOKEN);
        broker.get("/v1/admin/stats", "wrong-token");
      } finally {
        api.detachAppender(events);
      }
      List<ILoggingEvent> logged = events.list;
      assertThat(logged).hasSize(3);

      Map<String, String> allocate = logged.get(0).getMDCPropertyMap();
      assertThat(logged.get(0).getLevel()).isEqualTo(Level.INFO);
      assertThat(allocate)
          .containsEntry("request_id", "trace-me-1")
          .containsEntry("action", "allocate")
          .containsEntry("outcome", "success")
          .containsEntry("status", "201")
          .containsEntry("identity", "log-learner")
          .containsEntry("lab", "adventure")
          .containsEntry("caller", "track-any")
          .containsKey("latency_ms");

      assertThat(logged.get(1).getLevel()).isEqualTo(Level.INFO); // a 404 is not an error
      assertThat(logged.get(1).getMDCPropertyMap())
          .containsEntry("action", "admin_get")
          .containsEntry("outcome", "sandbox_not_found")
          .containsEntry("caller", "admin-1");
      assertThat(logged.get(2).getLevel()).isEqualTo(Level.WARN);
      assertThat(logged.get(2).getMDCPropertyMap()).containsEntry("outcome", "unauthorized");

      for (ILoggingEvent e : logged) {
        String all = e.getFormattedMessage() + e.getMDCPropertyMap();
        assertThat(all)
            .doesNotContain(TestBroker.TRACK_TOKEN)
            .doesNotContain(TestBroker.ADMIN_TOKEN)
            .doesNotContain("wrong-token");
      }
    }
  }

  @Test
  void theShippedConfigIsValidAndLogsJsonToTheConsole() throws Exception {
    var factory =
        new YamlConfigurationFactory<>(
            BrokerConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");
    BrokerConfiguration config =
        factory.build(
            new SubstitutingSourceProvider(
                new FileConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
            "../config.yml");
    var appenders = ((DefaultLoggingFactory) config.getLoggingFactory()).getAppenders();
    assertThat(appenders).hasSize(1);
    var console = (ConsoleAppenderFactory<?>) appenders.get(0);
    assertThat(console.getLayout()).isInstanceOf(EventJsonLayoutBaseFactory.class);
    assertThat(((EventJsonLayoutBaseFactory) console.getLayout()).isFlattenMdc()).isTrue();
    assertThat(config.corsAllowedOrigins()).isEmpty();
    assertThat(config.rateLimit().enabled()).isTrue();
  }
}
