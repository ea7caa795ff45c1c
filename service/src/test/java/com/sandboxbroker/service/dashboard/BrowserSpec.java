package com.sandboxbroker.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the browser tests share: the broker they drive and the Node process that drives Debian's
 * Chromium with playwright-core ({@code src/test/browser/*.spec.mjs}).
 *
 * <p>The browser side runs as a Node process because Playwright's Java binding downloads its own
 * browser, which this network does not allow; playwright-core drives the machine's Chromium. The
 * build installs both (provision-chromium.sh, and {@code npm ci} pinned by the committed
 * package-lock.json).
 */
final class BrowserSpec {
  static final Path BROWSER_DIR = Path.of("src/test/browser");

  /** Screenshots and the scripts' logs. */
  static final Path ARTIFACTS = Path.of("target/dashboard");

  private static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

  private BrowserSpec() {}

  /**
   * The broker for a page test: the lifecycle-event feed on (the page polls it, as in local mode)
   * and no in-process schedule, so no job run changes what the page and the API are compared on.
   */
  static TestBroker startBroker(ConfigOverride... more) {
    List<ConfigOverride> all =
        new ArrayList<>(
            List.of(
                ConfigOverride.config("events.localFeed", "true"),
                ConfigOverride.config("jobs.syncIntervalSeconds", "0"),
                ConfigOverride.config("jobs.cleanupIntervalSeconds", "0"),
                ConfigOverride.config("jobs.expiryIntervalSeconds", "0")));
    all.addAll(List.of(more));
    return TestBroker.start(all.toArray(ConfigOverride[]::new));
  }

  /**
   * Runs one spec script against the broker and returns its output, after asserting it finished
   * within four minutes and exited 0.
   *
   * @param extraEnv what this script needs beyond the broker's URL, the tokens, the artifact
   *     directory and the browser
   */
  static String run(String script, String logName, TestBroker broker, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    assertThat(Files.isExecutable(CHROMIUM))
        .as(
            "Debian's chromium: the service build installs it"
                + " (src/test/browser/provision-chromium.sh)")
        .isTrue();
    assertThat(BROWSER_DIR.resolve("node_modules/playwright-core"))
        .as("playwright-core is installed by the build's npm ci (exec-maven-plugin)")
        .exists();
    Files.createDirectories(ARTIFACTS);
    Path log = ARTIFACTS.resolve(logName);
    ProcessBuilder node =
        new ProcessBuilder("node", script)
            .directory(BROWSER_DIR.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    var env = node.environment();
    env.put("BROKER_URL", broker.uri("/v1").toString());
    env.put("ADMIN_TOKEN", TestBroker.ADMIN_TOKEN);
    env.put("TRACK_TOKEN", TestBroker.TRACK_TOKEN);
    env.put("ARTIFACT_DIR", ARTIFACTS.toAbsolutePath().toString());
    env.put("CHROMIUM", CHROMIUM.toString());
    env.putAll(extraEnv);
    Process process = node.start();
    boolean finished = process.waitFor(4, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as("browser checks finished in time:%n%s", output).isTrue();
    assertThat(process.exitValue()).as("browser checks:%n%s", output).isZero();
    return output;
  }
}
