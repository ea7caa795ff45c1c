package com.sandboxbroker.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Command line of the benchmark (run from the repository root):
 *
 * <pre>
 * java -jar bench/target/bench-1.0.0-SNAPSHOT-all.jar [--out bench-results.json]
 *     [--service-jar service/target/service-1.0.0-SNAPSHOT-all.jar] [--config config.yml]
 *     [--service-jvm-opts "-Xmx1g ..."] [--sizes 200,1000] [--connections 64]
 *     [--fresh-sizes 200] [--jobs-sizes 200] [--sustain-seconds 60] [--skip-jobs] [--no-pin] [--quick]
 * </pre>
 *
 * <p>picocli parses it ({@link BenchArguments}) and renders {@code --help}.
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

  /** {@code --help}: the usage to print (on stdout, exit 0). */
  static final class HelpRequested extends Exception {
    HelpRequested(String usage) {
      super(usage);
    }
  }

  /**
   * The options of a run.
   *
   * @throws IllegalArgumentException a bad argument, or a missing service jar or config: the
   *     message says which (with the usage for a bad argument)
   */
  static BenchOptions parse(String[] args) throws HelpRequested {
    BenchArguments a = new BenchArguments();
    CommandLine cli = commandLine(a);
    try {
      cli.parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + cli.getUsageMessage(), e);
    }
    if (cli.isUsageHelpRequested()) {
      throw new HelpRequested(cli.getUsageMessage());
    }
    List<Integer> sizes = a.classSizes.values();
    List<Integer> freshSizes = a.freshSizes.values();
    List<Integer> jobsSizes = a.jobsSizes.values();
    int sustainSeconds = a.sustainSeconds;
    boolean skipJobs = a.skipJobs;
    if (a.quick) {
      // the two service processes that exercise every path (keep-alive burst, replays, admin job
      // runs, floor process); small, so the test that runs this command stays cheap
      sizes = List.of(20);
      freshSizes = List.of();
      jobsSizes = List.of(20);
      sustainSeconds = 0;
      skipJobs = true;
    }
    requireFiles(a.serviceJar, a.serviceConfig);
    // 64 sustained clients: the figure
    return new BenchOptions(
        a.out,
        a.serviceJar,
        a.serviceConfig,
        Arrays.stream(a.serviceJvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
        sizes,
        a.connections,
        freshSizes,
        jobsSizes,
        64,
        sustainSeconds,
        skipJobs,
        !a.noPin,
        a.quick);
  }

  private static CommandLine commandLine(BenchArguments arguments) {
    // as the hand-written parser did: a repeated option's last value wins
    return new CommandLine(arguments).setOverwrittenOptionsAllowed(true);
  }

  private static void requireFiles(Path jar, Path config) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "service jar not found: "
              + jar.toAbsolutePath()
              + " (build it: mvn -B -DskipTests package -pl bench -am; run from the repository root)");
    }
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException("service config not found: " + config.toAbsolutePath());
    }
  }
}
