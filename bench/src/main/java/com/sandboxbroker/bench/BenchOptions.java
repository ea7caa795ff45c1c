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
 *     [--service-jvm-opts "-Xmx1g ..."] [--sizes 200,1000] [--connections 64]
 *     [--fresh-sizes 200] [--jobs-sizes 200] [--sustain-seconds 60] [--skip-jobs] [--no-pin] [--quick]
 * </pre>
 */
record BenchOptions(
    Path out,
    Path serviceJar,
    Path serviceConfig,
    List<String> serviceJvmOptions,
    List<Integer> classSizes,
    int connections,
    List<Integer> freshSizes,
    List<Integer> jobsSizes,
    int sustainedClients,
    int sustainSeconds,
    boolean skipJobs,
    boolean pin,
    boolean quick) {

  static final String USAGE =
      "usage: java -jar bench/target/bench-1.0.0-SNAPSHOT-all.jar [--out bench-results.json]\n"
          + "  [--service-jar service/target/service-1.0.0-SNAPSHOT-all.jar] [--config config.yml]\n"
          + "  [--service-jvm-opts \"<jvm options for the service process>\"]\n"
          + "  [--sizes 200,1000]        class starts through the keep-alive pool\n"
          + "  [--connections 64]        the pool: keep-alive connections, like an ALB's to one task\n"
          + "  [--fresh-sizes 200]       class starts with a fresh connection per learner\n"
          + "  [--jobs-sizes 200]        class starts with sync, cleanup and expiry running\n"
          + "  [--sustain-seconds 60] [--skip-jobs] [--no-pin]\n"
          + "  [--quick]                 a smoke run: class-start-20 and its with-jobs variant (figures meaningless)\n"
          + "Run from the repository root. Starts the broker (local mode, embedded DynamoDB Local,\n"
          + "in memory) as a separate process per scenario on core 0, drives it from a load generator\n"
          + "process on core 1, prints a table and writes the JSON results.";

  static BenchOptions parse(String[] args) {
    Path out = Path.of("bench-results.json");
    Path jar = Path.of("service/target/service-1.0.0-SNAPSHOT-all.jar");
    Path config = Path.of("config.yml");
    List<String> jvm = new ArrayList<>();
    // the class sizes of the performance study; 50 and 500 on request: on a loaded 2-core machine
    // each
    // scenario takes minutes (its own service process, warm-up, floor, in-process allocator)
    List<Integer> sizes = List.of(200, 1000);
    int connections = 64; // an ALB's keep-alive connections to one task
    List<Integer> freshSizes = List.of(200);
    List<Integer> jobsSizes = List.of(200);
    int sustainSeconds = 60; // the sustained window
    boolean skipJobs = false;
    boolean pin = true;
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(value(args, ++i));
        case "--service-jar" -> jar = Path.of(value(args, ++i));
        case "--config" -> config = Path.of(value(args, ++i));
        case "--service-jvm-opts" ->
            jvm =
                Arrays.stream(value(args, ++i).trim().split("\\s+"))
                    .filter(s -> !s.isEmpty())
                    .toList();
        case "--sizes" -> sizes = sizes(value(args, ++i));
        case "--connections" -> connections = Integer.parseInt(value(args, ++i));
        case "--fresh-sizes" -> freshSizes = sizes(value(args, ++i));
        case "--jobs-sizes" -> jobsSizes = sizes(value(args, ++i));
        case "--sustain-seconds" -> sustainSeconds = Integer.parseInt(value(args, ++i));
        case "--skip-jobs" -> skipJobs = true;
        case "--no-pin" -> pin = false;
        case "--quick" -> quick = true;
        case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    if (quick) {
      // the two service processes that exercise every path (keep-alive burst, replays, admin job
      // runs, floor process); small, so the test that runs this command stays cheap
      sizes = List.of(20);
      freshSizes = List.of();
      jobsSizes = List.of(20);
      sustainSeconds = 0;
      skipJobs = true;
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "service jar not found: "
              + jar.toAbsolutePath()
              + " (build it: mvn -B -DskipTests package -pl bench -am; run from the repository root)");
    }
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException("service config not found: " + config.toAbsolutePath());
    }
    // 64 sustained clients: the figure
    return new BenchOptions(
        out,
        jar,
        config,
        jvm,
        sizes,
        connections,
        freshSizes,
        jobsSizes,
        64,
        sustainSeconds,
        skipJobs,
        pin,
        quick);
  }

  private static List<Integer> sizes(String list) {
    return list.isBlank()
        ? List.of()
        : Arrays.stream(list.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("missing value for " + args[i - 1] + "\n" + USAGE);
    }
    return args[i];
  }
}
