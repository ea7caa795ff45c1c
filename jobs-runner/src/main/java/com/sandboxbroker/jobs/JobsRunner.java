package com.sandboxbroker.jobs;

import com.sandboxbroker.core.cleanup.Cleanup;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.expiry.Expiry;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobError;
import com.sandboxbroker.core.job.JobLauncher;
import com.sandboxbroker.core.job.JobOutcome;
import com.sandboxbroker.core.job.JobRun;
import com.sandboxbroker.core.provider.PreDeleteHook;
import com.sandboxbroker.core.provider.SandboxProvider;
import com.sandboxbroker.core.provider.StaticInventoryProvider;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasCleanupHook;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.sync.PoolSync;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code jobs-runner <sync|cleanup|expiry>}: runs one job once and exits (design §6). The only
 * composition root of this deployable.
 *
 * <p>stdout carries exactly one line, the JSON report; logs go to stderr (slf4j-simple). Exit codes
 * are a contract: 0 succeeded or skipped, 1 failed, 2 invalid configuration, 3 upstream unavailable.
 * With {@code TASK_TOKEN} set, Step Functions is told the outcome with the same report.
 */
public final class JobsRunner {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_INVALID_CONFIG = 2;
  static final int EXIT_UPSTREAM_UNAVAILABLE = 3;

  private static final Logger LOG = LoggerFactory.getLogger(JobsRunner.class);

  private JobsRunner() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, Clock.systemUTC()));
  }

  /** Runs the command as the process would; returns the exit code. */
  static int run(String[] args, Map<String, String> env, PrintStream out, Clock clock) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.print(help());
      out.flush();
      return EXIT_OK;
    }
    long startedMillis = clock.millis();
    String executionArn = env.getOrDefault(JobsEnvironment.EXECUTION_ARN.name(), "");
    Optional<JobName> job = args.length == 1 ? JobName.fromWireName(args[0]) : Optional.empty();
    RunnerSettings settings;
    try {
      if (job.isEmpty()) {
        throw new InvalidConfigException("usage: jobs-runner <sync|cleanup|expiry> (or --help)");
      }
      settings = RunnerSettings.from(job.get(), env);
    } catch (InvalidConfigException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      out.println(
          JobReport.invalidConfig(
              job.map(JobName::wireName).orElse(String.join(" ", args)), startedMillis / 1000,
              executionArn, e.getMessage()));
      out.flush();
      reportInvalidConfig(env, e.getMessage());
      return EXIT_INVALID_CONFIG;
    }
    LOG.info("starting {}", settings);

    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "jobs-runner-timer");
              t.setDaemon(true); // never keeps the process alive past its report
              return t;
            });
    AwsClientFactory aws = new AwsClientFactory(settings.region());
    Optional<TaskTokenReporter> reporter = Optional.empty();
    try (DynamoDbClient dynamo = aws.dynamoDb(settings.dynamoDbEndpoint());
        SfnClient sfn = settings.taskToken().isPresent() ? aws.stepFunctions(settings.sfnEndpoint()) : null) {
      if (sfn != null) {
        reporter = Optional.of(new TaskTokenReporter(sfn, settings.taskToken().get()));
        reporter.get().startHeartbeats(scheduler, settings.heartbeatPeriod());
      }
      DynamoDbSandboxStore store = new DynamoDbSandboxStore(dynamo, settings.tableName(), settings.pools());
      if (settings.createTable()) {
        store.createTableIfMissing();
      }
      JobLauncher launcher =
          new JobLauncher(
              new DynamoDbJobStore(dynamo, settings.tableName()),
              clock,
              () -> UUID.randomUUID().toString(),
              settings.lockTtl(),
              settings.runRetention(),
              scheduler);
      JobRun run = launcher.launch(job(settings, store, clock), executionArn);
      String report = JobReport.toJson(run);
      out.println(report);
      out.flush();
      int exit =
          run.outcome() == JobOutcome.FAILED
              ? run.error().orElse(JobError.JOB_FAILED).exitCode()
              : EXIT_OK;
      reporter.ifPresent(r -> tell(r, run, report));
      return exit;
    } catch (RuntimeException e) {
      // the table unreachable for the lock, a broken inventory file: the run never got going
      LOG.error("{} could not run: {}", settings.job().wireName(), e.getClass().getSimpleName(), e);
      JobRun failed =
          new JobRun(
              settings.job(), "", JobOutcome.FAILED, Map.of(), startedMillis / 1000,
              clock.millis() - startedMillis, executionArn, Optional.of(JobError.JOB_FAILED),
              e.getClass().getSimpleName());
      String report = JobReport.toJson(failed);
      out.println(report);
      out.flush();
      reporter.ifPresent(r -> tell(r, failed, report));
      return EXIT_FAILED;
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static Job job(RunnerSettings settings, DynamoDbSandboxStore store, Clock clock) {
    return switch (settings.job()) {
      case SYNC -> new PoolSync(store, provider(settings), clock, settings.sync());
      case CLEANUP -> new Cleanup(store, provider(settings), preDeleteHook(settings, clock), clock, settings.cleanup());
      case EXPIRY -> new Expiry(store, clock, settings.expiry());
    };
  }

  private static SandboxProvider provider(RunnerSettings settings) {
    if (settings.provider() == RunnerSettings.ProviderKind.STATIC) {
      try (InputStream in = Files.newInputStream(settings.staticInventory().orElseThrow())) {
        return new StaticInventoryProvider(StaticInventoryProvider.readInventory(in));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new CspSandboxProvider(httpClient(), settings.csp().orElseThrow());
  }

  private static Optional<PreDeleteHook> preDeleteHook(RunnerSettings settings, Clock clock) {
    return settings.niosXaas().map(n -> new NiosXaasCleanupHook(httpClient(), n, clock));
  }

  private static HttpClient httpClient() {
    return HttpClient.newBuilder()
        .connectTimeout(CspSettings.DEFAULT_CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER) // never replay the token to another host
        .build();
  }

  private static void tell(TaskTokenReporter reporter, JobRun run, String report) {
    try {
      if (run.outcome() == JobOutcome.FAILED) {
        reporter.failed(
            run.error().orElse(JobError.JOB_FAILED).errorName(),
            run.detail().isEmpty() ? run.outcome().wireName() : run.detail());
      } else {
        reporter.succeeded(report);
      }
    } catch (RuntimeException e) {
      // Step Functions will time the task out on missing heartbeats and retry it
      LOG.error("could not report to Step Functions: {}", e.getClass().getSimpleName());
    }
  }

  /** Even a misconfigured task must not leave its state machine waiting for the heartbeat timeout. */
  private static void reportInvalidConfig(Map<String, String> env, String detail) {
    String token = env.get(JobsEnvironment.TASK_TOKEN.name());
    if (token == null || token.isBlank()) {
      return;
    }
    try {
      Optional<URI> endpoint =
          Optional.ofNullable(env.get(JobsEnvironment.SFN_ENDPOINT.name())).filter(s -> !s.isBlank()).map(URI::create);
      Optional<String> region =
          Optional.ofNullable(env.get(JobsEnvironment.AWS_REGION.name())).filter(s -> !s.isBlank());
      try (SfnClient sfn = new AwsClientFactory(region).stepFunctions(endpoint)) {
        new TaskTokenReporter(sfn, token).failed(JobError.INVALID_CONFIG.errorName(), detail);
      }
    } catch (RuntimeException e) {
      LOG.error("could not report the invalid configuration to Step Functions: {}", e.getClass().getSimpleName());
    }
  }

  static String help() {
    StringBuilder b = new StringBuilder();
    b.append("usage: jobs-runner <sync|cleanup|expiry>\n\n")
        .append("Runs one background job of the Sandbox Broker once and exits.\n")
        .append("stdout: one JSON line {\"job\",\"outcome\",\"counts\",\"started_at\",\"duration_ms\",\"execution_arn\"}\n")
        .append("        (outcome: succeeded | skipped | failed); logs go to stderr.\n\n")
        .append("exit codes: 0 succeeded or skipped (paused, or another run holds the job's lock)\n")
        .append("            1 failed\n")
        .append("            2 invalid configuration\n")
        .append("            3 upstream unavailable\n\n")
        .append("With TASK_TOKEN set: SendTaskHeartbeat every SFN_HEARTBEAT_SECONDS, then SendTaskSuccess\n")
        .append("(output: the report) or SendTaskFailure (error: UpstreamUnavailable | JobFailed | InvalidConfig).\n\n")
        .append("environment:\n");
    Arrays.stream(JobsEnvironment.values())
        .forEach(
            v -> b.append(String.format("  %-30s %-8s %s%n", v.name(), v.kind().name().toLowerCase(java.util.Locale.ROOT), v.description())));
    return b.toString();
  }
}
