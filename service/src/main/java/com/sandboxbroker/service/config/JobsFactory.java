package com.sandboxbroker.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.cleanup.Cleanup;
import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.expiry.Expiry;
import com.sandboxbroker.core.expiry.ExpiryPolicy;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobDefaults;
import com.sandboxbroker.core.job.JobLauncher;
import com.sandboxbroker.core.job.JobStore;
import com.sandboxbroker.core.provider.StaticInventoryProvider;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.core.sync.SyncPolicy;
import com.sandboxbroker.service.jobs.StepFunctionsJobStarter;
import com.sandboxbroker.service.metrics.JobMetrics;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.lifecycle.setup.LifecycleEnvironment;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The background jobs as the service runs them (design §8). {@code in-process} (local mode): the
 * three jobs run on their schedules inside the service, and the admin endpoints run them on demand.
 * {@code step-functions} (deployed): no in-process schedule; an admin request starts the job's
 * state machine when its ARN is configured.
 */
public final class JobsFactory {
  /** Who runs the jobs. */
  public enum Mode {
    IN_PROCESS,
    STEP_FUNCTIONS
  }

  /**
   * Where in-process sync and cleanup find the upstream: only the demo pool is served in-process.
   */
  public enum Provider {
    NONE,
    DEMO
  }

  @JsonProperty @NotNull private Mode mode = Mode.IN_PROCESS;
  @JsonProperty @NotNull private Provider inProcessProvider = Provider.NONE;

  /** Schedule periods in seconds; 0 turns a job's in-process schedule off. */
  @JsonProperty
  @Min(0)
  private int syncIntervalSeconds = 60;

  @JsonProperty
  @Min(0)
  private int cleanupIntervalSeconds = 60;

  @JsonProperty
  @Min(0)
  private int expiryIntervalSeconds = 300;

  /** Same default as the jobs-runner: a crashed run blocks its job for at most two minutes. */
  @JsonProperty
  @Min(1)
  @Max(3600)
  private int lockTtlSeconds = (int) JobDefaults.LOCK_TTL.toSeconds();

  @JsonProperty
  @Min(1)
  private int runRetentionDays = (int) JobDefaults.RUN_RETENTION.toDays();

  /** The local demo retries failed deletes sooner than production's 60 s. */
  @JsonProperty
  @Min(0)
  private int cleanupBackoffBaseSeconds = 60;

  @JsonProperty private String syncStateMachineArn = "";
  @JsonProperty private String cleanupStateMachineArn = "";
  @JsonProperty private String expiryStateMachineArn = "";
  @JsonProperty private String region = "us-east-1";

  /** Step Functions endpoint override (tests point it at an HTTP stub). */
  @JsonProperty private String stepFunctionsEndpoint = "";

  public Mode mode() {
    return mode;
  }

  public Provider inProcessProvider() {
    return inProcessProvider;
  }

  /** The in-process schedule: a job with no entry is not scheduled. */
  public Map<JobName, Duration> schedule() {
    Map<JobName, Duration> s = new EnumMap<>(JobName.class);
    if (mode == Mode.IN_PROCESS) {
      put(s, JobName.SYNC, syncIntervalSeconds);
      put(s, JobName.CLEANUP, cleanupIntervalSeconds);
      put(s, JobName.EXPIRY, expiryIntervalSeconds);
    }
    return s;
  }

  private static void put(Map<JobName, Duration> s, JobName job, int seconds) {
    if (seconds > 0) {
      s.put(job, Duration.ofSeconds(seconds));
    }
  }

  public Duration lockTtl() {
    return Duration.ofSeconds(lockTtlSeconds);
  }

  public Duration runRetention() {
    return Duration.ofDays(runRetentionDays);
  }

  public Duration cleanupBackoffBase() {
    return Duration.ofSeconds(cleanupBackoffBaseSeconds);
  }

  /** The state machine per job, for the jobs that have one configured. */
  public Map<JobName, String> stateMachines() {
    Map<JobName, String> m = new EnumMap<>(JobName.class);
    putIfSet(m, JobName.SYNC, syncStateMachineArn);
    putIfSet(m, JobName.CLEANUP, cleanupStateMachineArn);
    putIfSet(m, JobName.EXPIRY, expiryStateMachineArn);
    return m;
  }

  /** {@code ${VAR:-}} with VAR unset substitutes nothing, which YAML reads as null. */
  private static void putIfSet(Map<JobName, String> m, JobName job, String arn) {
    if (arn != null && !arn.isBlank()) {
      m.put(job, arn.trim());
    }
  }

  /**
   * The starter of the configured state machines, when any is configured; its client is closed when
   * the service stops.
   */
  public Optional<StepFunctionsJobStarter> buildStepFunctions(LifecycleEnvironment lifecycle) {
    return buildStepFunctionsClient()
        .map(
            sfn -> {
              lifecycle.manage(
                  new Managed() {
                    @Override
                    public void stop() {
                      sfn.close();
                    }
                  });
              return new StepFunctionsJobStarter(sfn, stateMachines());
            });
  }

  /** The launcher every run of a job goes through, in-process or on demand. */
  public JobLauncher buildLauncher(
      JobStore jobStore, Clock clock, JobMetrics metrics, ScheduledExecutorService threads) {
    return new JobLauncher(
        jobStore,
        clock,
        () -> UUID.randomUUID().toString(),
        lockTtl(),
        runRetention(),
        threads,
        metrics);
  }

  /**
   * The jobs the service runs itself: expiry always (migrated allocations without expires_at expire
   * on their lab's lease, as allocate would set it); sync and cleanup against the demo upstream
   * when that is the in-process provider.
   */
  public Map<JobName, Job> buildInProcessJobs(
      SandboxStore store,
      StaticInventoryProvider demoPool,
      Clock clock,
      AllocationPolicy leasePolicy) {
    Map<JobName, Job> jobs = new EnumMap<>(JobName.class);
    jobs.put(
        JobName.EXPIRY,
        new Expiry(
            store,
            clock,
            ExpiryPolicy.defaults(),
            lab -> leasePolicy.leaseFor(lab, Optional.empty())));
    if (inProcessProvider() == Provider.DEMO) {
      CleanupPolicy defaults = CleanupPolicy.defaults();
      jobs.put(JobName.SYNC, new PoolSync(store, demoPool, clock, SyncPolicy.defaults()));
      jobs.put(
          JobName.CLEANUP,
          new Cleanup(
              store,
              demoPool,
              Optional.empty(),
              clock,
              new CleanupPolicy(
                  defaults.parallelism(),
                  defaults.maxAttempts(),
                  cleanupBackoffBase(),
                  defaults.backoffMax(),
                  defaults.maxItems(),
                  defaults.deletedRetention(),
                  defaults.breakerMinimumCalls())));
    }
    return jobs;
  }

  /** A Step Functions client when any state machine is configured. */
  private Optional<SfnClient> buildStepFunctionsClient() {
    if (stateMachines().isEmpty()) {
      return Optional.empty();
    }
    // a few StartExecution calls per day: the small URLConnection client is plenty
    var b =
        SfnClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(region == null || region.isBlank() ? "us-east-1" : region));
    if (stepFunctionsEndpoint != null && !stepFunctionsEndpoint.isBlank()) {
      b.endpointOverride(URI.create(stepFunctionsEndpoint.trim()));
    }
    return Optional.of(b.build());
  }
}
