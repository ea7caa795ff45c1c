package com.sandboxbroker.service.resources;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.sandboxbroker.service.testing.TestBroker;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * What the service discloses when things go wrong: an unexpected failure is a 500 in the contract
 * shape with a request id and the security headers, without the exception's text; no log line or
 * error body carries a token or another identity's id.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FailureDisclosureIT {

  @Test
  void unexpectedFailuresAndRefusalsDiscloseNothing() {
    try (TestBroker broker = TestBroker.start()) {
      ListAppender<ILoggingEvent> logs = new ListAppender<>();
      Logger root =
          ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
      root.setLevel(ch.qos.logback.classic.Level.INFO);
      logs.start();
      root.addAppender(logs);
      try {
        String id = broker.seed("lab-disc-", 2).get(0);
        List<HttpResponse<String>> refusals = new ArrayList<>();
        refusals.add(
            broker.send(
                broker
                    .request("/v1/allocate", "wrong-secret-token-value")
                    .header("X-Instruqt-Sandbox-ID", "victim")
                    .POST(BodyPublishers.noBody())
                    .build()));
        String owned = broker.allocate("owner-secret-identity").body();
        String sandbox = owned.replaceAll(".*\"sandbox_id\":\"([^\"]+)\".*", "$1");
        refusals.add(
            broker.send(
                broker
                    .request("/v1/sandboxes/" + sandbox, TestBroker.TRACK_TOKEN)
                    .header("X-Instruqt-Sandbox-ID", "someone-else")
                    .GET()
                    .build()));
        refusals.add(
            broker.send(
                broker
                    .request(
                        "/v1/sandboxes/" + sandbox + "/mark-for-deletion", TestBroker.TRACK_TOKEN)
                    .header("X-Instruqt-Sandbox-ID", "someone-else")
                    .POST(BodyPublishers.noBody())
                    .build()));
        for (HttpResponse<String> r : refusals) {
          assertThat(r.statusCode()).isBetween(400, 499);
          assertThat(r.body())
              .doesNotContain(
                  "owner-secret-identity", "wrong-secret-token-value", TestBroker.TRACK_TOKEN);
        }

        // Break the database under the running service: the next request fails unexpectedly.
        broker.dynamo().client().deleteTable(b -> b.tableName(broker.tableName()));
        HttpResponse<String> failed = broker.allocate("after-the-table-is-gone");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body())
            .contains("\"code\":\"INTERNAL_ERROR\"")
            .contains(failed.headers().firstValue("X-Request-ID").orElseThrow())
            .doesNotContainIgnoringCase("exception")
            .doesNotContainIgnoringCase("table")
            .doesNotContain(id);
        assertThat(failed.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(failed.headers().firstValue("Strict-Transport-Security")).isPresent();

        // Background jobs keep logging while the test reads: copy the list under the appender's
        // own lock (AppenderBase.doAppend holds it while appending), then read only the copy.
        List<ILoggingEvent> logged;
        synchronized (logs) {
          logged = List.copyOf(logs.list);
        }
        for (ILoggingEvent e : logged) {
          String line =
              e.getFormattedMessage()
                  + (e.getThrowableProxy() == null
                      ? ""
                      : ThrowableProxyUtil.asString(e.getThrowableProxy()));
          assertThat(line)
              .doesNotContain(
                  "wrong-secret-token-value", TestBroker.TRACK_TOKEN, TestBroker.ADMIN_TOKEN);
        }
        assertThat(logged).anySatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("ERROR"));
      } finally {
        root.detachAppender(logs);
      }
    }
  }
}
