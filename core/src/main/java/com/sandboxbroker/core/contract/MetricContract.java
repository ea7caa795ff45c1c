package com.sandboxbroker.core.contract;

/**
 * The CloudWatch metrics the deployables publish (as EMF lines) and the CDK app's alarms read: one
 * definition of the namespace, metric names and dimension names for both sides, so an alarm cannot
 * drift from what is written.
 */
public final class MetricContract {
  /** The namespace of every metric the broker publishes. */
  public static final String NAMESPACE = "SandboxBroker";

  /** Dimension on every metric: the deployment's stage (BROKER_STAGE), so two stages never mix. */
  public static final String STAGE = "Stage";

  /** Dimension of the per-pool gauges (with {@link #STAGE}). */
  public static final String POOL = "Pool";

  /** Dimensions of the jobs-runner's run metrics (with {@link #STAGE}). */
  public static final String JOB = "Job";

  public static final String OUTCOME = "Outcome";

  /** The service: every allocation's latency in milliseconds (dimension Stage). */
  public static final String ALLOCATION_LATENCY = "AllocationLatency";

  /** The service: claims lost to a concurrent writer per interval (dimension Stage). */
  public static final String ALLOCATION_CONFLICTS = "AllocationConflicts";

  /** The service: available sandboxes; dimensions Stage (the stage's total) or Stage and Pool. */
  public static final String POOL_AVAILABLE = "PoolAvailable";

  /** The service: sandboxes in deletion_failed; dimensions as {@link #POOL_AVAILABLE}. */
  public static final String POOL_DELETION_FAILED = "PoolDeletionFailed";

  /** The jobs-runner: 1 per run; dimensions Stage, Job, Outcome. */
  public static final String JOB_OUTCOME = "JobOutcome";

  /** The jobs-runner: a run's duration in milliseconds; dimensions Stage, Job. */
  public static final String JOB_DURATION = "JobDuration";

  private MetricContract() {}
}
