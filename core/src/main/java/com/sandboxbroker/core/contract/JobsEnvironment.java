package com.sandboxbroker.core.contract;

import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.expiry.ExpiryPolicy;
import com.sandboxbroker.core.job.JobDefaults;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasSettings;
import com.sandboxbroker.core.sync.SyncPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * The jobs-runner's environment contract: every variable it reads, declared once. The runner's
 * {@code --help} prints it and the CDK app's jobs task definition is tested to set exactly these
 * keys (secrets through Secrets Manager, never as plain values). A variable's default is the
 * constant the runner falls back to, rendered here, so the help cannot drift from the code.
 */
public enum JobsEnvironment {
  TABLE_NAME(Kind.REQUIRED, "DynamoDB table name"),
  AWS_REGION(Kind.OPTIONAL, "AWS region (ECS sets it; default chain otherwise)"),
  DYNAMODB_ENDPOINT(Kind.OPTIONAL, "DynamoDB endpoint override (DynamoDB Local in tests)"),
  CREATE_TABLE(Kind.OPTIONAL, "true to create the table when missing (local runs and tests only)"),
  PROVIDER(Kind.OPTIONAL, "upstream provider: csp or static", Defaults.PROVIDER),
  STATIC_INVENTORY_PATH(Kind.OPTIONAL, "JSON inventory file for PROVIDER=static"),
  CSP_BASE_URL(Kind.OPTIONAL, "Infoblox CSP base URL", CspSettings.DEFAULT_BASE_URL.toString()),
  CSP_API_TOKEN(Kind.SECRET, "Infoblox CSP API token"),
  CSP_TIMEOUT_SECONDS(
      Kind.OPTIONAL,
      "per-request CSP timeout; deletes take 5-10 s",
      seconds(CspSettings.DEFAULT_REQUEST_TIMEOUT)),
  NIOSXAAS_ENABLED(Kind.OPTIONAL, "true to clean NIOSXaaS universal services before deleting"),
  NIOSXAAS_SHADOW_MODE(Kind.OPTIONAL, "true to only count what would be deleted"),
  NIOSXAAS_BASE_URL(Kind.OPTIONAL, "NIOSXaaS base URL"),
  NIOSXAAS_SERVICE_NAME(
      Kind.OPTIONAL, "universal service name to delete", NiosXaasSettings.DEFAULT_SERVICE_NAME),
  NIOSXAAS_EMAIL(Kind.SECRET, "NIOSXaaS service-account e-mail"),
  NIOSXAAS_PASSWORD(Kind.SECRET, "NIOSXaaS service-account password"),
  TASK_TOKEN(Kind.OPTIONAL, "Step Functions task token (set by the state machine)"),
  EXECUTION_ARN(Kind.OPTIONAL, "Step Functions execution ARN (set by the state machine)"),
  SFN_ENDPOINT(Kind.OPTIONAL, "Step Functions endpoint override (an HTTP stub in tests)"),
  SFN_HEARTBEAT_SECONDS(
      Kind.OPTIONAL,
      "period of SendTaskHeartbeat while a job completes steps; none while it makes no progress",
      seconds(JobDefaults.HEARTBEAT_PERIOD)),
  JOB_STALL_SECONDS(
      Kind.OPTIONAL,
      "a run that completes no step for this long stops: releases its lock, exits 1; set above the"
          + " state's heartbeat timeout",
      seconds(JobDefaults.STALL_LIMIT)),
  JOB_LOCK_TTL_SECONDS(
      Kind.OPTIONAL, "job lock lifetime without renewal", seconds(JobDefaults.LOCK_TTL)),
  JOB_RUN_RETENTION_DAYS(
      Kind.OPTIONAL, "how long job-run records are kept", days(JobDefaults.RUN_RETENTION)),
  SYNC_MAX_STALE_FRACTION(
      Kind.OPTIONAL,
      "largest share of the pool one sync may count missing",
      Double.toString(SyncPolicy.DEFAULT_MAX_MISSING_FRACTION)),
  CLEANUP_PARALLELISM(
      Kind.OPTIONAL,
      "concurrent upstream deletes",
      Integer.toString(CleanupPolicy.DEFAULT_PARALLELISM)),
  CLEANUP_MAX_ATTEMPTS(
      Kind.OPTIONAL,
      "failed deletes before deletion_failed",
      Integer.toString(CleanupPolicy.DEFAULT_MAX_ATTEMPTS)),
  CLEANUP_BACKOFF_BASE_SECONDS(
      Kind.OPTIONAL,
      "first retry delay of a failed delete",
      seconds(CleanupPolicy.DEFAULT_BACKOFF_BASE)),
  CLEANUP_BACKOFF_MAX_SECONDS(
      Kind.OPTIONAL,
      "longest retry delay of a failed delete",
      seconds(CleanupPolicy.DEFAULT_BACKOFF_MAX)),
  CLEANUP_MAX_ITEMS(
      Kind.OPTIONAL,
      "most deletions one run attempts",
      Integer.toString(CleanupPolicy.DEFAULT_MAX_ITEMS)),
  DELETED_RETENTION_DAYS(
      Kind.OPTIONAL,
      "how long deleted sandboxes stay readable",
      days(CleanupPolicy.DEFAULT_DELETED_RETENTION)),
  STALE_GRACE_HOURS(
      Kind.OPTIONAL,
      "how long stale records stay before expiry purges them",
      Long.toString(ExpiryPolicy.DEFAULT_STALE_GRACE.toHours())),
  BROKER_STAGE(
      Kind.OPTIONAL, "the Stage dimension of the run's CloudWatch metrics", JobDefaults.STAGE),
  LEASE_HOURS(
      Kind.OPTIONAL,
      "the service's allocation.leaseHours: expiry's lease for a migrated allocation without"
          + " expires_at",
      Long.toString(AllocationPolicy.DEFAULT_LEASE.toHours())),
  LEASE_HOURS_BY_LAB(
      Kind.OPTIONAL,
      "the service's allocation.leaseHoursByLab as lab=hours,lab=hours (each >= 1): a migrated"
          + " allocation's lease by its lab"),
  BROKER_POOLS(
      Kind.OPTIONAL,
      "configured pools, JSON [{\"name\", \"prefix\", \"low_water\", \"shards\"}]; sync puts each"
          + " new sandbox in the first whose prefix matches");

  /** How a variable is supplied. */
  public enum Kind {
    REQUIRED,
    OPTIONAL,
    /** Supplied from Secrets Manager in AWS; never logged or reported. */
    SECRET
  }

  /** Defaults that are not another class's constant. */
  public static final class Defaults {
    /** The upstream provider when PROVIDER is unset: the real Infoblox CSP. */
    public static final String PROVIDER = "csp";

    private Defaults() {}
  }

  private final Kind kind;
  private final String description;
  private final Optional<String> defaultValue;

  JobsEnvironment(Kind kind, String description) {
    this(kind, description, null);
  }

  JobsEnvironment(Kind kind, String description, String defaultValue) {
    this.kind = kind;
    this.description = description;
    this.defaultValue = Optional.ofNullable(defaultValue);
  }

  public Kind kind() {
    return kind;
  }

  /** What the variable means, with its default when it has one: the line {@code --help} prints. */
  public String description() {
    return defaultValue.map(d -> description + " (default " + d + ")").orElse(description);
  }

  /** The value the runner uses when the variable is unset, as it would be written. */
  public Optional<String> defaultValue() {
    return defaultValue;
  }

  public boolean isSecret() {
    return kind == Kind.SECRET;
  }

  private static String seconds(Duration d) {
    return Long.toString(d.toSeconds());
  }

  private static String days(Duration d) {
    return Long.toString(d.toDays());
  }
}
