package com.sandboxbroker.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's live lifecycle-event feed in a real browser (as {@link DashboardBrowserIT}:
 * Debian's Chromium driven by playwright-core, {@code src/test/browser/events.spec.mjs}) against
 * the real app reading DynamoDB Local's stream: the page lists what {@code GET /v1/admin/events}
 * holds, and an allocation and extension made while it is open appear without a reload.
 */
class EventFeedBrowserIT {
  private static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = BrowserSpec.startBroker(ConfigOverride.config("events.pollMillis", "100"));
    broker.seed("lab-feed-", 5);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void theFeedIsLiveOnTheDashboard() throws Exception {
    // the seeded pool's five sandbox.added events have reached the feed before the page opens
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (broker
                    .get("/v1/admin/events", TestBroker.ADMIN_TOKEN)
                    .body()
                    .split("sandbox.added", -1)
                    .length
                - 1
            < 5
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    String output = BrowserSpec.run("events.spec.mjs", "browser-events.log", broker, Map.of());
    assertThat(output)
        .contains("\"check\":\"allocation and extension appear live, newest first\",\"ok\":true");
    assertThat(BrowserSpec.ARTIFACTS.resolve("dashboard-events.png")).isNotEmptyFile();
  }
}
