package com.sandboxbroker.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The benchmark's command line as picocli parses it; {@link BenchOptions#parse} turns it into the
 * options a run uses (applying {@code --quick} and checking the service's jar and config exist).
 */
@Command(
    name = "java -jar bench/target/bench-1.0.0-SNAPSHOT-all.jar",
    sortOptions = false,
    separator = " ",
    usageHelpWidth = 100,
    description =
        "Run from the repository root. Starts the broker (local mode, embedded DynamoDB Local, in"
            + " memory) as a separate process per scenario on core 0, drives it from a load"
            + " generator process on core 1, prints a table and writes the JSON results.")
final class BenchArguments {
  @Option(
      names = "--out",
      paramLabel = "<file>",
      description = "where the JSON results go (default: ${DEFAULT-VALUE})")
  Path out = Path.of("bench-results.json");

  @Option(
      names = "--service-jar",
      paramLabel = "<jar>",
      description = "the service's fat jar (default: ${DEFAULT-VALUE})")
  Path serviceJar = Path.of("service/target/service-1.0.0-SNAPSHOT-all.jar");

  @Option(
      names = "--config",
      paramLabel = "<config.yml>",
      description = "the service's config (default: ${DEFAULT-VALUE})")
  Path serviceConfig = Path.of("config.yml");

  @Option(
      names = "--service-jvm-opts",
      paramLabel = "<options>",
      description = "jvm options for the service process, whitespace-separated in one argument")
  String serviceJvmOptions = "";

  // the class sizes of the performance study; 50 and 500 on request: on a loaded 2-core machine
  // each scenario takes minutes (its own service process, warm-up, floor, in-process allocator)
  @Option(
      names = "--sizes",
      paramLabel = "<n,n>",
      converter = SizesConverter.class,
      description = "class starts through the keep-alive pool (default: 200,1000)")
  Sizes classSizes = new Sizes(List.of(200, 1000));

  @Option(
      names = "--connections",
      paramLabel = "<n>",
      description =
          "the pool: keep-alive connections, like an ALB's to one task (default: ${DEFAULT-VALUE})")
  int connections = 64; // an ALB's keep-alive connections to one task

  @Option(
      names = "--fresh-sizes",
      paramLabel = "<n,n>",
      converter = SizesConverter.class,
      description = "class starts with a fresh connection per learner (default: 200)")
  Sizes freshSizes = new Sizes(List.of(200));

  @Option(
      names = "--jobs-sizes",
      paramLabel = "<n,n>",
      converter = SizesConverter.class,
      description = "class starts with sync, cleanup and expiry running (default: 200)")
  Sizes jobsSizes = new Sizes(List.of(200));

  @Option(
      names = "--sustain-seconds",
      paramLabel = "<s>",
      description = "the sustained 64-client mix's length; 0 skips it (default: ${DEFAULT-VALUE})")
  int sustainSeconds = 60; // the sustained window

  @Option(names = "--skip-jobs", description = "skip the sync and cleanup job scenarios")
  boolean skipJobs;

  @Option(
      names = "--no-pin",
      description =
          "do not pin the processes to cores (service on core 0, load generator on core 1)")
  boolean noPin;

  @Option(
      names = "--quick",
      description = "a smoke run: class-start-20 and its with-jobs variant (figures meaningless)")
  boolean quick;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "print this help and exit")
  boolean help;

  /**
   * Class sizes, one option value holding the whole list: a record rather than a {@code List}
   * field, which picocli would treat as a repeatable option converting each element.
   */
  record Sizes(List<Integer> values) {}

  /** A comma-separated list, empty allowed ({@code --fresh-sizes ""} skips those scenarios). */
  static final class SizesConverter implements ITypeConverter<Sizes> {
    @Override
    public Sizes convert(String list) {
      try {
        return new Sizes(
            list.isBlank()
                ? List.of()
                : Arrays.stream(list.split(",")).map(String::trim).map(Integer::valueOf).toList());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("not a comma-separated list of class sizes: " + list);
      }
    }
  }
}
