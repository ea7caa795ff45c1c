package com.sandboxbroker.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's live lifecycle-event feed in a real browser (as {@link DashboardBrowserTest}:
 * Debian's Chromium driven by playwright-core, {@code src/test/browser/events.spec.mjs}) against
 * the real app reading DynamoDB Local's stream: the page lists what {@code GET /v1/admin/events}
 * holds, and an allocation and extension made while it is open appear without a reload.
 */
class EventFeedBrowserTest {
  private static final Path BROWSER_DIR = Path.of("src/test/browser");
  private static final Path ARTIFACTS = Path.of("target/dashboard");
  private static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

  private static TestBroker broker;

  @BeforeAll
  static void start() {
    broker =
        TestBroker.start(
            ConfigOverride.config("events.localFeed", "true"),
            ConfigOverride.config("events.pollMillis", "100"),
            ConfigOverride.config("jobs.syncIntervalSeconds", "0"),
            ConfigOverride.config("jobs.cleanupIntervalSeconds", "0"),
            ConfigOverride.config("jobs.expiryIntervalSeconds", "0"));
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
    assertThat(Files.isExecutable(CHROMIUM))
        .as("Debian's chromium must be installed; .ci/run installs it")
        .isTrue();
    assertThat(BROWSER_DIR.resolve("node_modules/playwright-core")).exists();
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
    Files.createDirectories(ARTIFACTS);
    Path log = ARTIFACTS.resolve("browser-events.log");
    ProcessBuilder node =
        new ProcessBuilder("node", "events.spec.mjs")
            .directory(BROWSER_DIR.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    var env = node.environment();
    env.put("BROKER_URL", broker.uri("/v1").toString());
    env.put("ADMIN_TOKEN", TestBroker.ADMIN_TOKEN);
    env.put("TRACK_TOKEN", TestBroker.TRACK_TOKEN);
    env.put("ARTIFACT_DIR", ARTIFACTS.toAbsolutePath().toString());
    env.put("CHROMIUM", CHROMIUM.toString());
    Process process = node.start();
    boolean finished = process.waitFor(4, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as("browser checks finished in time:%n%s", output).isTrue();
    assertThat(process.exitValue()).as("browser checks:%n%s", output).isZero();
    assertThat(output)
        .contains("\"check\":\"allocation and extension appear live, newest first\",\"ok\":true");
    assertThat(ARTIFACTS.resolve("dashboard-events.png")).isNotEmptyFile();
  }
}
