package com.sandboxbroker.cdk;

import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.expiry.ExpiryPolicy;
import com.sandboxbroker.core.job.JobDefaults;
import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.pool.PoolDefinition;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasSettings;
import com.sandboxbroker.core.sync.SyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything a deployment may vary, typed and validated once. Only {@link SandboxBrokerApp#main}
 * builds it from CDK context; constructs receive the parts they need through their props.
 *
 * @param stage short name of the deployment (dev, prod); part of every physical name and a tag
 * @param owner team or person answering for the cost; the {@code owner} cost-allocation tag
 * @param certificateArn ACM certificate for the ALB's HTTPS listener (same region as the stack)
 * @param natGateways 0 for the NAT-free layout (see {@link NetworkProps}); 1 is enough for a pool
 *     broker whose only internet traffic is the jobs' calls to the upstream provider
 * @param repoRoot the repository root: the Dockerfile and {@code runbooks/} live there
 * @param api sizing of the API service
 * @param jobs sizing and timing of the jobs
 * @param alarms alarm thresholds and where alarms go
 * @param upstream non-secret upstream provider settings handed to the jobs-runner
 * @param delivery ingress, DNS, images, schedules and preview lifetime
 * @param pools configured pools (contract §9): per-pool alarms, and BROKER_POOLS for the tasks
 */
public record BrokerSettings(
    String stage,
    String owner,
    String certificateArn,
    int natGateways,
    Path repoRoot,
    ApiSizing api,
    JobsSettings jobs,
    AlarmSettings alarms,
    UpstreamSettings upstream,
    DeliverySettings delivery,
    List<PoolDefinition> pools) {

  /**
   * An ACM certificate ARN. The id must be a UUID: a malformed ARN fails here, at synth, not an
   * hour into a first deploy. The all-zero placeholder passes (cdk.json keeps one so a fresh clone
   * synthesizes offline) and is stopped before CloudFormation creates anything: see ApiCertificate.
   */
  static final Pattern CERTIFICATE_ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:acm:([a-z]{2}(?:-[a-z]+)+-\\d):(\\d{12}):certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  public BrokerSettings {
    Objects.requireNonNull(stage, "stage");
    if (!stage.matches("[a-z][a-z0-9-]{0,15}")) {
      // it becomes part of physical names (log groups, state machines, secrets) with length limits
      throw new IllegalArgumentException("stage must match [a-z][a-z0-9-]{0,15}: " + stage);
    }
    Objects.requireNonNull(owner, "owner");
    // null when a hosted zone (DNS-validated certificate) or API Gateway's own host name serves TLS
    if (certificateArn != null && !CERTIFICATE_ARN.matcher(certificateArn).matches()) {
      throw new IllegalArgumentException(
          "certificateArn must be an ACM certificate ARN: " + certificateArn);
    }
    if (natGateways < 0 || natGateways > 2) {
      throw new IllegalArgumentException("natGateways must be 0, 1 or 2 (two AZs): " + natGateways);
    }
    Objects.requireNonNull(repoRoot, "repoRoot");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(jobs, "jobs");
    Objects.requireNonNull(alarms, "alarms");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(delivery, "delivery");
    pools = List.copyOf(pools);
    new PoolAssignment(pools); // the same checks the service applies (unique names, prefixes)
  }

  /**
   * The default sizing (the one DEPLOY.md prices), for a stage; context overrides single values.
   */
  public static BrokerSettings defaults(
      String stage, String owner, String certificateArn, Path repoRoot) {
    return new BrokerSettings(
        stage,
        owner,
        certificateArn,
        1,
        repoRoot,
        ApiSizing.DEFAULT,
        JobsSettings.DEFAULT,
        AlarmSettings.DEFAULT,
        UpstreamSettings.DEFAULT,
        DeliverySettings.WORKSTATION,
        List.of());
  }

  public BrokerSettings withNatGateways(int n) {
    return new BrokerSettings(
        stage, owner, certificateArn, n, repoRoot, api, jobs, alarms, upstream, delivery, pools);
  }

  public BrokerSettings withAlarms(AlarmSettings a) {
    return new BrokerSettings(
        stage,
        owner,
        certificateArn,
        natGateways,
        repoRoot,
        api,
        jobs,
        a,
        upstream,
        delivery,
        pools);
  }

  public BrokerSettings withUpstream(UpstreamSettings u) {
    return new BrokerSettings(
        stage, owner, certificateArn, natGateways, repoRoot, api, jobs, alarms, u, delivery, pools);
  }

  public BrokerSettings withApi(ApiSizing a) {
    return new BrokerSettings(
        stage,
        owner,
        certificateArn,
        natGateways,
        repoRoot,
        a,
        jobs,
        alarms,
        upstream,
        delivery,
        pools);
  }

  public BrokerSettings withDelivery(DeliverySettings d) {
    return new BrokerSettings(
        stage, owner, certificateArn, natGateways, repoRoot, api, jobs, alarms, upstream, d, pools);
  }

  /**
   * The configured pools (context {@code pools}, the service's {@code BROKER_POOLS} JSON): each
   * with a low-water mark gets its own alarm; service and jobs-runner get the list.
   */
  public BrokerSettings withPools(List<PoolDefinition> p) {
    return new BrokerSettings(
        stage,
        owner,
        certificateArn,
        natGateways,
        repoRoot,
        api,
        jobs,
        alarms,
        upstream,
        delivery,
        p);
  }

  /**
   * @param cpu Fargate CPU units per task
   * @param memoryMiB Fargate memory per task
   * @param minTasks floor of the autoscaling range
   * @param maxTasks ceiling of the autoscaling range
   * @param requestsPerTargetPerMinute ALB request-count scaling target
   * @param wafRequestsPer5MinPerIp WAF rate rule limit per source IP
   */
  public record ApiSizing(
      int cpu,
      int memoryMiB,
      int minTasks,
      int maxTasks,
      int requestsPerTargetPerMinute,
      int wafRequestsPer5MinPerIp) {
    /**
     * 0.5 vCPU / 1 GiB: the service's heap is small (the pool lives in DynamoDB) and Fargate ARM64
     * bills by the size. Two tasks minimum so one AZ failing or one deployment step never leaves
     * the allocate endpoint without a target. 600 requests/min per task is well below what one task
     * served in the local benchmark, so scaling starts before latency does. The WAF limit is high
     * because lab platforms call from a few shared egress IPs: 6000 per 5 min (20/s) per IP stops
     * floods without throttling a class of learners starting at once.
     */
    public static final ApiSizing DEFAULT = new ApiSizing(512, 1024, 2, 6, 600, 6000);
  }

  /**
   * @param cpu Fargate CPU units of one job run
   * @param memoryMiB Fargate memory of one job run
   * @param rates how often each job's schedule starts its state machine
   * @param heartbeatTimeout the task state fails if the runner sends no heartbeat for this long
   * @param taskTimeout one run (one attempt) may take at most this long
   * @param missedPeriods the "not succeeded" alarm fires after this many schedule periods without a
   *     success
   * @param tuning the runner's own knobs, set explicitly on the task definition
   */
  public record JobsSettings(
      int cpu,
      int memoryMiB,
      Map<JobName, Duration> rates,
      Duration heartbeatTimeout,
      Duration taskTimeout,
      int missedPeriods,
      RunnerTuning tuning) {
    public JobsSettings {
      rates = Map.copyOf(rates);
      if (Duration.ofSeconds(tuning.heartbeatSeconds()).multipliedBy(3).compareTo(heartbeatTimeout)
          > 0) {
        // three missed heartbeats, not one slow request, should be what fails a task
        throw new IllegalArgumentException(
            "heartbeatTimeout must be at least 3 runner heartbeat periods");
      }
      for (JobName job : JobName.values()) {
        Duration rate = rates.get(job);
        if (rate == null || rate.toSeconds() % 60 != 0 || rate.toMinutes() < 1) {
          // Scheduler rates and CloudWatch alarm periods are whole minutes
          throw new IllegalArgumentException("rate for " + job + " must be whole minutes: " + rate);
        }
        if (rate.multipliedBy(missedPeriods).compareTo(Duration.ofDays(1)) > 0) {
          // CloudWatch limits an alarm's evaluation range (period x periods) to one day
          throw new IllegalArgumentException(
              "rate x missedPeriods must be at most one day for " + job);
        }
      }
      if (Duration.ofSeconds(tuning.lockTtlSeconds()).multipliedBy(2).compareTo(heartbeatTimeout)
          > 0) {
        // a wedged run stops renewing its lock: it must lapse before the heartbeat timeout, or the
        // retry Step Functions starts then is "skipped" behind a run that does nothing
        throw new IllegalArgumentException(
            "heartbeatTimeout must be at least two job lock lifetimes");
      }
      if (heartbeatTimeout.compareTo(taskTimeout) >= 0) {
        throw new IllegalArgumentException("heartbeatTimeout must be shorter than taskTimeout");
      }
    }

    /**
     * 0.25 vCPU / 0.5 GiB: the jobs are I/O-bound (upstream HTTP, DynamoDB). Sync every 15 min
     * keeps new upstream accounts reaching the pool quickly; cleanup every 10 min returns released
     * sandboxes fast; expiry hourly because leases are measured in hours. The runner heartbeats
     * every minute (design §6), so 5 min without one means it is gone, not slow. 30 min per attempt
     * is several times the longest run seen locally and still shorter than a drain of a large pool
     * would need across runs (cleanup is resumable). 3 missed periods tolerates one retried and one
     * skipped run before paging.
     */
    public static final JobsSettings DEFAULT =
        new JobsSettings(
            256,
            512,
            defaultRates(),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            3,
            RunnerTuning.DEFAULT);

    private static Map<JobName, Duration> defaultRates() {
      Map<JobName, Duration> rates = new EnumMap<>(JobName.class);
      rates.put(JobName.SYNC, Duration.ofMinutes(15));
      rates.put(JobName.CLEANUP, Duration.ofMinutes(10));
      rates.put(JobName.EXPIRY, Duration.ofMinutes(60));
      return rates;
    }

    public Duration rate(JobName job) {
      return rates.get(job);
    }
  }

  /**
   * The jobs-runner's tuning variables (core's JobsEnvironment). The values are the runner's own
   * defaults; the task definition states them so an operator sees and changes them in one place.
   */
  public record RunnerTuning(
      int cspTimeoutSeconds,
      int heartbeatSeconds,
      int lockTtlSeconds,
      int runRetentionDays,
      double syncMaxStaleFraction,
      int cleanupParallelism,
      int cleanupMaxAttempts,
      int cleanupBackoffBaseSeconds,
      int cleanupBackoffMaxSeconds,
      int cleanupMaxItems,
      int deletedRetentionDays,
      int staleGraceHours) {
    public RunnerTuning {
      if (lockTtlSeconds < 2 * heartbeatSeconds) {
        // the lock is renewed with the heartbeat; it must survive one late renewal
        throw new IllegalArgumentException("lockTtlSeconds must be at least two heartbeat periods");
      }
    }

    /** The runner's own defaults, read from the constants it falls back to. */
    public static final RunnerTuning DEFAULT =
        new RunnerTuning(
            seconds(CspSettings.DEFAULT_REQUEST_TIMEOUT),
            seconds(JobDefaults.HEARTBEAT_PERIOD),
            seconds(JobDefaults.LOCK_TTL),
            (int) JobDefaults.RUN_RETENTION.toDays(),
            SyncPolicy.DEFAULT_MAX_MISSING_FRACTION,
            CleanupPolicy.DEFAULT_PARALLELISM,
            CleanupPolicy.DEFAULT_MAX_ATTEMPTS,
            seconds(CleanupPolicy.DEFAULT_BACKOFF_BASE),
            seconds(CleanupPolicy.DEFAULT_BACKOFF_MAX),
            CleanupPolicy.DEFAULT_MAX_ITEMS,
            (int) CleanupPolicy.DEFAULT_DELETED_RETENTION.toDays(),
            (int) ExpiryPolicy.DEFAULT_STALE_GRACE.toHours());

    private static int seconds(Duration d) {
      return (int) d.toSeconds();
    }
  }

  /**
   * @param poolLowWater alarm when fewer sandboxes than this are available
   * @param allocationP99Millis alarm when allocation p99 stays above this
   * @param alb5xxPer5Min alarm when the ALB and targets return this many 5xx per 5 minutes
   * @param email optional address subscribed to the alarm topic (null: subscribe later)
   */
  public record AlarmSettings(
      int poolLowWater, int allocationP99Millis, int alb5xxPer5Min, String email) {
    /**
     * 10 available sandboxes is about one class starting at once; 2 s p99 is the point where a
     * lab's setup hook (which waits on allocate) becomes visibly slow; 10 5xx per 5 minutes ignores
     * a single crashed request but not a broken deployment.
     */
    public static final AlarmSettings DEFAULT = new AlarmSettings(10, 2000, 10, null);
  }

  /** Non-secret upstream settings for the jobs-runner; secrets are in {@link BrokerSecrets}. */
  public record UpstreamSettings(
      String provider,
      String cspBaseUrl,
      boolean niosxaasEnabled,
      boolean niosxaasShadowMode,
      String niosxaasBaseUrl,
      String niosxaasServiceName,
      String staticInventoryPath) {
    /**
     * NIOSXaaS clean-up starts in shadow mode: it only counts what it would delete until an
     * operator has compared the counts with the console (design §5).
     */
    public static final UpstreamSettings DEFAULT =
        new UpstreamSettings(
            JobsEnvironment.Defaults.PROVIDER,
            CspSettings.DEFAULT_BASE_URL.toString(),
            true,
            true,
            "https://csp.infoblox.com",
            NiosXaasSettings.DEFAULT_SERVICE_NAME,
            "/app/static-inventory.json");
  }
}
