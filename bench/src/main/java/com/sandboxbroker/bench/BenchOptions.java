package com.sandboxbroker.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command line of the benchmark (run from the repository root):
 *
 * <pre>
 * java -jar bench/target/bench-1.0.0-SNAPSHOT-all.jar [--out bench-results.json]
 *     [--service-jar service/target/service-1.0.0-SNAPSHOT-all.jar] [--config config.yml]
 *     [--service-jvm-opts "-Xmx1g ..."] [--sizes 50,200,500] [--sustain-seconds 60] [--skip-jobs]
 * </pre>
 */
record BenchOptions(
    Path out,
    Path serviceJar,
    Path serviceConfig,
    List<String> serviceJvmOptions,
    List<Integer> classSizes,
    int sustainedClients,
    int sustainSeconds,
    boolean skipJobs) {

  static final String USAGE =
      "usage: java -jar bench/target/bench-1.0.0-SNAPSHOT-all.jar [--out bench-results.json]\n"
          + "  [--service-jar service/target/service-1.0.0-SNAPSHOT-all.jar] [--config config.yml]\n"
          + "  [--service-jvm-opts \"<jvm options for the service process>\"]\n"
          + "  [--sizes 50,200,500] [--sustain-seconds 60] [--skip-jobs]\n"
          + "Run from the repository root. Starts the broker (local mode, embedded DynamoDB Local,\n"
          + "in memory) as a separate process per scenario, drives it over HTTP, prints a table and\n"
          + "writes the JSON results.";

  static BenchOptions parse(String[] args) {
    Path out = Path.of("bench-results.json");
    Path jar = Path.of("service/target/service-1.0.0-SNAPSHOT-all.jar");
    Path config = Path.of("config.yml");
    List<String> jvm = new ArrayList<>();
    List<Integer> sizes = List.of(50, 200, 500); // the class sizes
    int sustainSeconds = 60; // the sustained window
    boolean skipJobs = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(value(args, ++i));
        case "--service-jar" -> jar = Path.of(value(args, ++i));
        case "--config" -> config = Path.of(value(args, ++i));
        case "--service-jvm-opts" ->
            jvm = Arrays.stream(value(args, ++i).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        case "--sizes" ->
            sizes = Arrays.stream(value(args, ++i).split(",")).map(String::trim).map(Integer::valueOf).toList();
        case "--sustain-seconds" -> sustainSeconds = Integer.parseInt(value(args, ++i));
        case "--skip-jobs" -> skipJobs = true;
        case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "service jar not found: " + jar.toAbsolutePath()
              + " (build it: mvn -B -DskipTests package -pl bench -am; run from the repository root)");
    }
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException("service config not found: " + config.toAbsolutePath());
    }
    // 64 sustained clients: the figure
    return new BenchOptions(out, jar, config, jvm, sizes, 64, sustainSeconds, skipJobs);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("missing value for " + args[i - 1] + "\n" + USAGE);
    }
    return args[i];
  }
}
