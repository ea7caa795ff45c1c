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
import com.sandboxbroker.core.job.RunWatch;
import com.sandboxbroker.core.metrics.EmfStream;
import com.sandboxbroker.core.provider.PreDeleteHook;
import com.sandboxbroker.core.provider.SandboxProvider;
import com.sandboxbroker.core.provider.StaticInventoryProvider;
import com.sandboxbroker.core.provider.csp.CspSandboxProvider;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasCleanupHook;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code jobs-runner <sync|cleanup|expiry>}: runs one job once and exits (design §6). The only
 * composition root of this deployable.
 *
 * <p>stdout carries exactly one line, the JSON report; logs go to stderr (slf4j-simple), and so do
 * the run's CloudWatch metrics as EMF lines ({@link JobRunMetrics}). Exit codes are a contract: 0
 * succeeded or skipped, 1 failed, 2 invalid configuration, 3 upstream unavailable. With {@code
 * TASK_TOKEN} set, Step Functions is told the outcome with the same report.
 */
public final class JobsRunner {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_INVALID_CONFIG = 2;
  static final int EXIT_UPSTREAM_UNAVAILABLE = 3;

  private static final Logger LOG = LoggerFactory.getLogger(JobsRunner.class);

  /** How often the stall watch looks; fine enough for limits of seconds (tests) to minutes. */
  private static final long STALL_CHECK_MILLIS = 500;

  private static final long AWAIT_POLL_MILLIS = 200;

  /** A stopped job's moment to return by itself (its upstream calls abort on the interrupt). */
  private static final long STOP_GRACE_MILLIS = 5_000;

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
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.print(help());
      out.flush();
      return EXIT_OK;
    }
    long startedMillis = clock.millis();
    JobRunMetrics metrics =
        new JobRunMetrics(
            new EmfStream(metricsOut, clock),
            Optional.ofNullable(env.get(JobsEnvironment.BROKER_STAGE.name()))
                .filter(s -> !s.isBlank())
                .orElse("local"));
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
              job.map(JobName::wireName).orElse(String.join(" ", args)),
              startedMillis / 1000,
              executionArn,
              e.getMessage()));
      out.flush();
      job.ifPresent(j -> publish(() -> metrics.publishFailedStart(j)));
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
    String runId = UUID.randomUUID().toString();
    RunProgress progress = new RunProgress();
    // why this run must stop early (the task token is no longer valid, or no step for too long)
    AtomicReference<String> stopReason = new AtomicReference<>();
    ExecutorService jobThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "jobs-runner-job");
              t.setDaemon(true); // a job wedged past its stop must not keep the process alive
              return t;
            });
    try (DynamoDbClient dynamo = aws.dynamoDb(settings.dynamoDbEndpoint());
        SfnClient sfn =
            settings.taskToken().isPresent() ? aws.stepFunctions(settings.sfnEndpoint()) : null) {
      if (sfn != null) {
        reporter = Optional.of(new TaskTokenReporter(sfn, settings.taskToken().get()));
        reporter
            .get()
            .startHeartbeats(
                scheduler,
                settings.heartbeatPeriod(),
                progress::steps,
                () ->
                    stopReason.compareAndSet(
                        null,
                        "stopped: the task token is no longer valid (Step Functions ended the task)"));
      }
      long stallNanos = settings.stallLimit().toNanos();
      scheduler.scheduleAtFixedRate(
          () -> {
            if (progress.nanosSinceLastStep() > stallNanos) {
              stopReason.compareAndSet(
                  null,
                  "stopped: no progress for "
                      + settings.stallLimit().toSeconds()
                      + " s (past the heartbeat timeout)");
            }
          },
          STALL_CHECK_MILLIS,
          STALL_CHECK_MILLIS,
          TimeUnit.MILLISECONDS);
      DynamoDbSandboxStore store =
          new DynamoDbSandboxStore(dynamo, settings.tableName(), settings.pools());
      if (settings.createTable()) {
        new SandboxTable(dynamo, settings.tableName()).createIfMissing();
      }
      DynamoDbJobStore jobStore = new DynamoDbJobStore(dynamo, settings.tableName());
      JobLauncher launcher =
          new JobLauncher(
              jobStore, clock, () -> runId, settings.lockTtl(), settings.runRetention(), scheduler);
      Job work = job(settings, progressReporting(store, progress::step), clock, progress::step);
      RunWatch watch = new RunWatch(() -> stopReason.get() != null, progress::step, true);
      Future<JobRun> running = jobThread.submit(() -> launcher.launch(work, executionArn, watch));
      JobRun run = await(running, stopReason);
      if (stopReason.get() != null) {
        return stopped(
            settings,
            jobStore,
            runId,
            running,
            run,
            stopReason.get(),
            startedMillis,
            executionArn,
            clock,
            out,
            reporter,
            metrics);
      }
      String report = JobReport.toJson(run);
      out.println(report);
      out.flush();
      publish(() -> metrics.publish(run));
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
              settings.job(),
              "",
              JobOutcome.FAILED,
              Map.of(),
              startedMillis / 1000,
              clock.millis() - startedMillis,
              executionArn,
              Optional.of(JobError.JOB_FAILED),
              e.getClass().getSimpleName());
      String report = JobReport.toJson(failed);
      out.println(report);
      out.flush();
      publish(() -> metrics.publish(failed));
      reporter.ifPresent(r -> tell(r, failed, report));
      return EXIT_FAILED;
    } finally {
      jobThread.shutdownNow();
      scheduler.shutdownNow();
    }
  }

  /** Metrics are an observation of the run: failing to write them never changes its outcome. */
  private static void publish(Runnable publication) {
    try {
      publication.run();
    } catch (RuntimeException e) {
      LOG.warn("run metrics not written: {}", e.getClass().getSimpleName());
    }
  }

  /** The finished run, or null as soon as the run is asked to stop. */
  private static JobRun await(Future<JobRun> running, AtomicReference<String> stopReason) {
    while (true) {
      try {
        return running.get(AWAIT_POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (stopReason.get() != null) {
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopReason.compareAndSet(null, "stopped: interrupted");
        return null;
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException(e.getCause());
      }
    }
  }

  /**
   * A run that must stop: the job is interrupted (its upstream calls abort at once) and given a
   * moment to return; the lock is released either way (a conditional delete on this run's id: a
   * no-op if the launcher already did it or another run holds it now), and the run ends failed,
   * exit 1. Step Functions is told only while the token is still valid.
   */
  private static int stopped(
      RunnerSettings settings,
      DynamoDbJobStore jobStore,
      String runId,
      Future<JobRun> running,
      JobRun finished,
      String reason,
      long startedMillis,
      String executionArn,
      Clock clock,
      PrintStream out,
      Optional<TaskTokenReporter> reporter,
      JobRunMetrics metrics) {
    LOG.error("{} run {}: {}", settings.job().wireName(), runId, reason);
    JobRun run = finished;
    if (run == null) {
      running.cancel(true);
      try {
        run = running.get(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException
          | TimeoutException
          | java.util.concurrent.CancellationException e) {
        // still wedged (or gone): the lock is released below all the same
      }
    }
    try {
      jobStore.unlock(settings.job(), runId);
    } catch (RuntimeException e) {
      LOG.warn(
          "{} lock not released (it expires by itself): {}",
          settings.job().wireName(),
          e.getClass().getSimpleName());
    }
    JobRun result =
        new JobRun(
            settings.job(),
            runId,
            JobOutcome.FAILED,
            run == null ? Map.of() : run.counts(),
            startedMillis / 1000,
            clock.millis() - startedMillis,
            executionArn,
            Optional.of(JobError.JOB_FAILED),
            reason);
    if (run == null) {
      try {
        jobStore.recordRun(result, clock.millis() / 1000 + settings.runRetention().toSeconds());
      } catch (RuntimeException e) {
        LOG.warn(
            "{} run record not written: {}",
            settings.job().wireName(),
            e.getClass().getSimpleName());
      }
    }
    String report = JobReport.toJson(result);
    out.println(report);
    out.flush();
    // a stopped run is a failed one for the JobOutcome alarms too
    publish(() -> metrics.publish(result));
    reporter.filter(r -> !r.tokenInvalid()).ifPresent(r -> tell(r, result, report));
    return EXIT_FAILED;
  }

  /**
   * Every answered call of the job's store is a step of the run. A dynamic proxy: the store port
   * has some thirty methods and this is one concern, kept in the composition root.
   */
  private static SandboxStore progressReporting(SandboxStore store, Runnable step) {
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
              lab -> settings.leases().leaseFor(lab, java.util.Optional.empty()));
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

  static String help() {
    StringBuilder b = new StringBuilder();
    b.append("usage: jobs-runner <sync|cleanup|expiry>\n\n")
        .append("Runs one background job of the Sandbox Broker once and exits.\n")
        .append(
            "stdout: one JSON line {\"job\",\"outcome\",\"counts\",\"started_at\",\"duration_ms\",\"execution_arn\"}\n")
        .append(
            "        (outcome: succeeded | skipped | failed); logs go to stderr, and so do the run's\n")
        .append(
            "        CloudWatch metrics (EMF lines: JobOutcome by Stage/Job/Outcome, JobDuration and counts).\n\n")
        .append(
            "exit codes: 0 succeeded or skipped (paused, or another run holds the job's lock)\n")
        .append("            1 failed\n")
        .append("            2 invalid configuration\n")
        .append("            3 upstream unavailable\n\n")
        .append(
            "With TASK_TOKEN set: SendTaskHeartbeat every SFN_HEARTBEAT_SECONDS while the job completes steps\n")
        .append(
            "(none while it makes no progress, so a wedged job ends in the state's heartbeat timeout), then\n")
        .append(
            "SendTaskSuccess (output: the report) or SendTaskFailure (error: UpstreamUnavailable | JobFailed |\n")
        .append(
            "InvalidConfig). A token Step Functions no longer accepts, or no step for JOB_STALL_SECONDS, stops\n")
        .append("the run: lock released, exit 1.\n\n")
        .append("environment:\n");
    Arrays.stream(JobsEnvironment.values())
        .forEach(
            v ->
                b.append(
                    String.format(
                        "  %-30s %-8s %s%n",
                        v.name(),
                        v.kind().name().toLowerCase(java.util.Locale.ROOT),
                        v.description())));
    return b.toString();
  }
}
