package com.sandboxbroker.jobs;

import com.sandboxbroker.core.cleanup.Cleanup;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.expiry.Expiry;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobDefaults;
import com.sandboxbroker.core.job.JobError;
import com.sandboxbroker.core.job.JobRun;
import com.sandboxbroker.core.job.SkipReason;
import com.sandboxbroker.core.metrics.EmfStream;
import com.sandboxbroker.core.provider.PreDeleteHook;
import com.sandboxbroker.core.provider.SandboxProvider;
import com.sandboxbroker.core.provider.StaticInventoryProvider;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasCleanupHook;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.sync.PoolSync;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code jobs-runner <sync|cleanup|expiry>}: runs one job once and exits (design §6). The only
 * composition root of this deployable: it parses the command line (picocli), reads the settings and
 * wires the job; {@link JobExecution} runs it.
 *
 * <p>stdout carries exactly one line, the JSON report; logs go to stderr (slf4j-simple), and so do
 * the run's CloudWatch metrics as EMF lines ({@link JobRunMetrics}). Exit codes are a contract
 * ({@link JobError}'s, {@link JobRun#EXIT_OK} for a run that succeeded or was skipped). With {@code
 * TASK_TOKEN} set, Step Functions is told the outcome with the same report.
 */
public final class JobsRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobsRunner.class);

  private static final String JOBS =
      Arrays.stream(JobName.values()).map(JobName::wireName).collect(Collectors.joining("|"));

  private static final String USAGE = "usage: jobs-runner <" + JOBS + "> (or --help)";

  /** The command line: one job, by its wire name, or {@code --help}. */
  @Command(name = "jobs-runner")
  static final class Arguments {
    @Parameters(
        index = "0",
        paramLabel = "<sync|cleanup|expiry>",
        converter = JobNameConverter.class,
        description = "the job to run once")
    JobName job;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "print this help (the whole environment contract) and exit")
    boolean help;
  }

  /** A job by its wire name; anything else is a usage error (an invalid configuration). */
  static final class JobNameConverter implements ITypeConverter<JobName> {
    @Override
    public JobName convert(String value) {
      return JobName.fromWireName(value)
          .orElseThrow(() -> new TypeConversionException("unknown job"));
    }
  }

  private JobsRunner() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, Clock.systemUTC()));
  }

  /** Runs the command as the process would; returns the exit code. */
  static int run(String[] args, Map<String, String> env, PrintStream out, Clock clock) {
    return run(args, env, out, System.err, clock);
  }

  /**
   * As {@link #run(String[], Map, PrintStream, Clock)}, the run's EMF metric lines going to {@code
   * metricsOut}.
   */
  static int run(
      String[] args,
      Map<String, String> env,
      PrintStream out,
      PrintStream metricsOut,
      Clock clock) {
    CommandLine cli = commandLine();
    Optional<JobName> job = Optional.empty();
    try {
      cli.parseArgs(args);
      if (cli.isUsageHelpRequested()) {
        out.print(help());
        out.flush();
        return JobRun.EXIT_OK;
      }
      job = Optional.of(cli.<Arguments>getCommand().job);
    } catch (ParameterException e) {
      // not a job this runner knows: an invalid configuration, reported like any other
      job = Optional.empty();
    }
    long startedMillis = clock.millis();
    JobRunMetrics metrics =
        new JobRunMetrics(
            new EmfStream(metricsOut, clock),
            Optional.ofNullable(env.get(JobsEnvironment.BROKER_STAGE.name()))
                .filter(s -> !s.isBlank())
                .orElse(JobDefaults.STAGE));
    String executionArn = env.getOrDefault(JobsEnvironment.EXECUTION_ARN.name(), "");
    RunnerSettings settings;
    try {
      settings = RunnerSettings.from(job.orElseThrow(() -> new InvalidConfigException(USAGE)), env);
    } catch (InvalidConfigException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      out.println(
          JobReport.invalidConfig(
              job.map(JobName::wireName).orElse(String.join(" ", args)),
              startedMillis / 1000,
              executionArn,
              e.getMessage()));
      out.flush();
      job.ifPresent(j -> publish(() -> metrics.publishFailedStart(j)));
      reportInvalidConfig(env, e.getMessage());
      return JobError.INVALID_CONFIG.exitCode();
    }
    LOG.info("starting {}", settings);
    return new JobExecution(settings, out, metrics, clock, startedMillis, executionArn)
        .run((store, step) -> job(settings, store, clock, step));
  }

  /** Metrics are an observation of the run: failing to write them never changes its outcome. */
  static void publish(Runnable publication) {
    try {
      publication.run();
    } catch (RuntimeException e) {
      LOG.warn("run metrics not written: {}", e.getClass().getSimpleName());
    }
  }

  /**
   * Every answered call of the job's store is a step of the run. A dynamic proxy: the store port
   * has some thirty methods and this is one concern, kept in the composition root.
   */
  static SandboxStore progressReporting(SandboxStore store, Runnable step) {
    return (SandboxStore)
        Proxy.newProxyInstance(
            SandboxStore.class.getClassLoader(),
            new Class<?>[] {SandboxStore.class},
            (proxy, method, args) -> {
              try {
                Object result = method.invoke(store, args);
                step.run();
                return result;
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static Job job(RunnerSettings settings, SandboxStore store, Clock clock, Runnable step) {
    return switch (settings.job()) {
      case SYNC -> new PoolSync(store, provider(settings, step), clock, settings.sync());
      case CLEANUP ->
          new Cleanup(
              store,
              provider(settings, step),
              preDeleteHook(settings, clock, step),
              clock,
              settings.cleanup());
      case EXPIRY ->
          new Expiry(
              store,
              clock,
              settings.expiry(),
              lab -> settings.leases().leaseFor(lab, Optional.empty()));
    };
  }

  private static SandboxProvider provider(RunnerSettings settings, Runnable step) {
    if (settings.provider() == RunnerSettings.ProviderKind.STATIC) {
      try (InputStream in = Files.newInputStream(settings.staticInventory().orElseThrow())) {
        return new StaticInventoryProvider(StaticInventoryProvider.readInventory(in));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new CspSandboxProvider(httpClient(step), settings.csp().orElseThrow());
  }

  private static Optional<PreDeleteHook> preDeleteHook(
      RunnerSettings settings, Clock clock, Runnable step) {
    return settings.niosXaas().map(n -> new NiosXaasCleanupHook(httpClient(step), n, clock));
  }

  /** Every upstream response is a step of the run (heartbeats and the stall watch count them). */
  private static HttpClient httpClient(Runnable step) {
    return new ProgressReportingHttpClient(
        HttpClient.newBuilder()
            .connectTimeout(CspSettings.DEFAULT_CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER) // never replay the token to another host
            .build(),
        step);
  }

  /**
   * Even a misconfigured task must not leave its state machine waiting for the heartbeat timeout.
   */
  private static void reportInvalidConfig(Map<String, String> env, String detail) {
    String token = env.get(JobsEnvironment.TASK_TOKEN.name());
    if (token == null || token.isBlank()) {
      return;
    }
    try {
      Optional<URI> endpoint =
          Optional.ofNullable(env.get(JobsEnvironment.SFN_ENDPOINT.name()))
              .filter(s -> !s.isBlank())
              .map(URI::create);
      Optional<String> region =
          Optional.ofNullable(env.get(JobsEnvironment.AWS_REGION.name())).filter(s -> !s.isBlank());
      try (SfnClient sfn = new AwsClientFactory(region).stepFunctions(endpoint)) {
        new TaskTokenReporter(sfn, token).failed(JobError.INVALID_CONFIG.errorName(), detail);
      }
    } catch (RuntimeException e) {
      LOG.error(
          "could not report the invalid configuration to Step Functions: {}",
          e.getClass().getSimpleName());
    }
  }

  private static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Arguments());
    // no stack traces or colours: the help is read in a terminal and in CloudWatch alike
    cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    return cli;
  }

  /**
   * The help: picocli's usage, then what the job contract says (the report line, the exit codes of
   * {@link JobError}, the task-token protocol) and every variable of {@link JobsEnvironment}.
   */
  static String help() {
    CommandLine cli = commandLine();
    // wide enough that no variable's line wraps: the environment table is read line by line
    cli.setUsageHelpWidth(220);
    UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
    usage
        .synopsisHeading("usage: ")
        .customSynopsis("jobs-runner <" + JOBS + ">%n")
        .description(
            "Runs one background job of the Sandbox Broker once and exits.",
            "stdout: one JSON line {\"job\",\"outcome\",\"counts\",\"started_at\",\"duration_ms\","
                + "\"execution_arn\"}",
            "        (outcome: succeeded | skipped | failed); logs go to stderr, and so do the run's",
            "        CloudWatch metrics (EMF lines: JobOutcome by Stage/Job/Outcome, JobDuration and"
                + " counts).",
            "")
        .exitCodeListHeading("%nexit codes:%n")
        .exitCodeList(exitCodes())
        .footerHeading("%n")
        .footer(footer());
    return cli.getUsageMessage();
  }

  private static Map<String, String> exitCodes() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(
        Integer.toString(JobRun.EXIT_OK),
        "succeeded or skipped ("
            + Arrays.stream(SkipReason.values())
                .map(SkipReason::detail)
                .collect(Collectors.joining(", or "))
            + ")");
    Arrays.stream(JobError.values())
        .sorted((a, b) -> Integer.compare(a.exitCode(), b.exitCode()))
        .forEach(e -> codes.put(Integer.toString(e.exitCode()), describe(e)));
    return codes;
  }

  private static String describe(JobError error) {
    return switch (error) {
      case JOB_FAILED -> "failed";
      case INVALID_CONFIG -> "invalid configuration";
      case UPSTREAM_UNAVAILABLE -> "upstream unavailable";
    };
  }

  private static String[] footer() {
    String errors =
        Arrays.stream(JobError.values())
            .map(JobError::errorName)
            .collect(Collectors.joining(" | "));
    StringBuilder b = new StringBuilder();
    b.append("With TASK_TOKEN set: SendTaskHeartbeat every SFN_HEARTBEAT_SECONDS while the job")
        .append(" completes steps\n(none while it makes no progress, so a wedged job ends in the")
        .append(" state's heartbeat timeout), then\nSendTaskSuccess (output: the report) or")
        .append(" SendTaskFailure (error: ")
        .append(errors)
        .append(").\nA token Step Functions no longer accepts, or no step for JOB_STALL_SECONDS,")
        .append(" stops the run: lock released, exit ")
        .append(JobError.JOB_FAILED.exitCode())
        .append(".\n\nenvironment:\n");
    for (JobsEnvironment v : JobsEnvironment.values()) {
      b.append(
          String.format(
              "  %-30s %-8s %s%n",
              v.name(), v.kind().name().toLowerCase(Locale.ROOT), v.description()));
    }
    // picocli formats footer lines: a literal percent sign must not be read as a conversion
    return b.toString().replace("%", "%%").split("\n");
  }
}
