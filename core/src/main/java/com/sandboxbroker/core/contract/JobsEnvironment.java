package com.sandboxbroker.core.contract;

/**
 * The jobs-runner's environment contract: every variable it reads, declared once. The runner's
 * {@code --help} prints it and the CDK app's jobs task definition is tested to set exactly these
 * keys (secrets through Secrets Manager, never as plain values).
 */
public enum JobsEnvironment {
  TABLE_NAME(Kind.REQUIRED, "DynamoDB table name"),
  AWS_REGION(Kind.OPTIONAL, "AWS region (ECS sets it; default chain otherwise)"),
  DYNAMODB_ENDPOINT(Kind.OPTIONAL, "DynamoDB endpoint override (DynamoDB Local in tests)"),
  CREATE_TABLE(Kind.OPTIONAL, "true to create the table when missing (local runs and tests only)"),
  PROVIDER(Kind.OPTIONAL, "upstream provider: csp (default) or static"),
  STATIC_INVENTORY_PATH(Kind.OPTIONAL, "JSON inventory file for PROVIDER=static"),
  CSP_BASE_URL(Kind.OPTIONAL, "Infoblox CSP base URL (default https://csp.infoblox.com/v2)"),
  CSP_API_TOKEN(Kind.SECRET, "Infoblox CSP API token"),
  CSP_TIMEOUT_SECONDS(Kind.OPTIONAL, "per-request CSP timeout; deletes take 5-10 s (default 15)"),
  NIOSXAAS_ENABLED(Kind.OPTIONAL, "true to clean NIOSXaaS universal services before deleting"),
  NIOSXAAS_SHADOW_MODE(Kind.OPTIONAL, "true to only count what would be deleted"),
  NIOSXAAS_BASE_URL(Kind.OPTIONAL, "NIOSXaaS base URL"),
  NIOSXAAS_SERVICE_NAME(Kind.OPTIONAL, "universal service name to delete (default Instrqt-SaaS)"),
  NIOSXAAS_EMAIL(Kind.SECRET, "NIOSXaaS service-account e-mail"),
  NIOSXAAS_PASSWORD(Kind.SECRET, "NIOSXaaS service-account password"),
  TASK_TOKEN(Kind.OPTIONAL, "Step Functions task token (set by the state machine)"),
  EXECUTION_ARN(Kind.OPTIONAL, "Step Functions execution ARN (set by the state machine)"),
  SFN_ENDPOINT(Kind.OPTIONAL, "Step Functions endpoint override (an HTTP stub in tests)"),
  SFN_HEARTBEAT_SECONDS(
      Kind.OPTIONAL,
      "period of SendTaskHeartbeat while a job completes steps; none while it makes no progress (default 30)"),
  JOB_STALL_SECONDS(
      Kind.OPTIONAL,
      "a run that completes no step for this long stops: releases its lock, exits 1; set above the state's heartbeat timeout (default 330)"),
  JOB_LOCK_TTL_SECONDS(Kind.OPTIONAL, "job lock lifetime without renewal (default 120)"),
  JOB_RUN_RETENTION_DAYS(Kind.OPTIONAL, "how long job-run records are kept (default 30)"),
  SYNC_MAX_STALE_FRACTION(
      Kind.OPTIONAL, "largest share of the pool one sync may count missing (default 0.2)"),
  CLEANUP_PARALLELISM(Kind.OPTIONAL, "concurrent upstream deletes (default 4)"),
  CLEANUP_MAX_ATTEMPTS(Kind.OPTIONAL, "failed deletes before deletion_failed (default 8)"),
  CLEANUP_BACKOFF_BASE_SECONDS(Kind.OPTIONAL, "first retry delay of a failed delete (default 60)"),
  CLEANUP_BACKOFF_MAX_SECONDS(
      Kind.OPTIONAL, "longest retry delay of a failed delete (default 3600)"),
  CLEANUP_MAX_ITEMS(Kind.OPTIONAL, "most deletions one run attempts (default 500)"),
  DELETED_RETENTION_DAYS(Kind.OPTIONAL, "how long deleted sandboxes stay readable (default 30)"),
  STALE_GRACE_HOURS(
      Kind.OPTIONAL, "how long stale records stay before expiry purges them (default 24)"),
  BROKER_STAGE(
      Kind.OPTIONAL, "the Stage dimension of the run's CloudWatch metrics (default local)"),
  LEASE_HOURS(
      Kind.OPTIONAL,
      "the service's allocation.leaseHours: expiry's lease for a migrated allocation without expires_at (default 48)"),
  LEASE_HOURS_BY_LAB(
      Kind.OPTIONAL,
      "the service's allocation.leaseHoursByLab as lab=hours,lab=hours (each >= 1): a migrated allocation's lease by its lab"),
  BROKER_POOLS(
      Kind.OPTIONAL,
      "configured pools, JSON [{\"name\", \"prefix\", \"low_water\", \"shards\"}]; sync puts each new sandbox in the first whose prefix matches");

  /** How a variable is supplied. */
  public enum Kind {
    REQUIRED,
    OPTIONAL,
    /** Supplied from Secrets Manager in AWS; never logged or reported. */
    SECRET
  }

  private final Kind kind;
  private final String description;

  JobsEnvironment(Kind kind, String description) {
    this.kind = kind;
    this.description = description;
  }

  public Kind kind() {
    return kind;
  }

  public String description() {
    return description;
  }

  public boolean isSecret() {
    return kind == Kind.SECRET;
  }
}
