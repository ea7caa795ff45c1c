package com.sandboxbroker.core.job;

import java.time.Duration;

/**
 * The job contract's timing defaults, declared once: the jobs-runner falls back to them, its {@code
 * --help} prints them (through {@code JobsEnvironment}), the service's local scheduler and the CDK
 * app's runner tuning state them. Change one here and every side follows.
 */
public final class JobDefaults {
  /**
   * How often a run tells Step Functions it is alive; the CDK's heartbeat timeout is well above.
   */
  public static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(30);

  /** Four heartbeats' worth: a crashed run blocks its job for at most two minutes. */
  public static final Duration LOCK_TTL = Duration.ofSeconds(120);

  /** How long job-run records are kept for the API's last runs and for operators. */
  public static final Duration RUN_RETENTION = Duration.ofDays(30);

  /**
   * The CDK app's default heartbeat timeout (5 min) plus 30 s: Step Functions times a wedged run
   * out first; the run then stops instead of idling until the task timeout.
   */
  public static final Duration STALL_LIMIT = Duration.ofSeconds(330);

  /** The Stage dimension of a run's metrics when BROKER_STAGE is unset (a local run). */
  public static final String STAGE = "local";

  private JobDefaults() {}
}
