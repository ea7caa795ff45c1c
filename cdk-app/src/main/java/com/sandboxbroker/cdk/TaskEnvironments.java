package com.sandboxbroker.cdk;

import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.contract.ServiceEnvironment;
import com.sandboxbroker.core.pool.PoolAssignment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;

/**
 * The two containers' environments, decided per variable of core's contract enums ({@link
 * JobsEnvironment}, {@link ServiceEnvironment}): a plain value, a Secrets Manager secret, or (for
 * the jobs-runner) a value the state machine sets per execution. {@link SandboxBrokerStack} hands
 * them to {@link JobsTask} and {@link ApiService}; TaskEnvironmentTest reads them back from the
 * template.
 */
final class TaskEnvironments {
  private TaskEnvironments() {}

  /** Every secret variable of either container: one Secrets Manager secret each. */
  static List<String> secretNames() {
    List<String> names = new ArrayList<>();
    for (ServiceEnvironment v : ServiceEnvironment.values()) {
      if (v.isSecret()) {
        names.add(v.name());
      }
    }
    for (JobsEnvironment v : JobsEnvironment.values()) {
      if (v.isSecret() && !names.contains(v.name())) {
        names.add(v.name());
      }
    }
    return names;
  }

  /**
   * Every JobsEnvironment variable is accounted for here (the switch must be exhaustive, so a new
   * contract variable fails compilation until it is decided): plain value, secret, or set per
   * execution by the state machine.
   */
  static Map<String, String> jobs(Stack stack, BrokerSettings settings, BrokerTable table) {
    Map<String, String> env = new LinkedHashMap<>();
    BrokerSettings.UpstreamSettings upstream = settings.upstream();
    BrokerSettings.RunnerTuning tuning = settings.jobs().tuning();
    for (JobsEnvironment v : JobsEnvironment.values()) {
      String value =
          switch (v) {
            case TABLE_NAME -> table.table().getTableName();
            case AWS_REGION -> stack.getRegion();
            // the regional endpoint, explicitly: it resolves through the DynamoDB gateway endpoint
            case DYNAMODB_ENDPOINT ->
                "https://dynamodb." + stack.getRegion() + "." + stack.getUrlSuffix();
            case PROVIDER -> upstream.provider();
            // read only when PROVIDER=static (demo stages); the path inside the image
            case STATIC_INVENTORY_PATH -> upstream.staticInventoryPath();
            case CSP_BASE_URL -> upstream.cspBaseUrl();
            case NIOSXAAS_ENABLED -> Boolean.toString(upstream.niosxaasEnabled());
            case NIOSXAAS_SHADOW_MODE -> Boolean.toString(upstream.niosxaasShadowMode());
            case NIOSXAAS_BASE_URL -> upstream.niosxaasBaseUrl();
            case NIOSXAAS_SERVICE_NAME -> upstream.niosxaasServiceName();
            case CREATE_TABLE -> "false"; // this stack owns the table and its settings
            case CSP_TIMEOUT_SECONDS -> Integer.toString(tuning.cspTimeoutSeconds());
            // the regional endpoint, explicitly: it resolves to the Step Functions VPC endpoint
            case SFN_ENDPOINT -> "https://states." + stack.getRegion() + "." + stack.getUrlSuffix();
            case SFN_HEARTBEAT_SECONDS -> Integer.toString(tuning.heartbeatSeconds());
            // past the heartbeat timeout: Step Functions times a wedged run out first, then it
            // stops
            case JOB_STALL_SECONDS ->
                Long.toString(settings.jobs().heartbeatTimeout().toSeconds() + 30);
            case JOB_LOCK_TTL_SECONDS -> Integer.toString(tuning.lockTtlSeconds());
            case JOB_RUN_RETENTION_DAYS -> Integer.toString(tuning.runRetentionDays());
            case SYNC_MAX_STALE_FRACTION -> Double.toString(tuning.syncMaxStaleFraction());
            case CLEANUP_PARALLELISM -> Integer.toString(tuning.cleanupParallelism());
            case CLEANUP_MAX_ATTEMPTS -> Integer.toString(tuning.cleanupMaxAttempts());
            case CLEANUP_BACKOFF_BASE_SECONDS ->
                Integer.toString(tuning.cleanupBackoffBaseSeconds());
            case CLEANUP_BACKOFF_MAX_SECONDS -> Integer.toString(tuning.cleanupBackoffMaxSeconds());
            case CLEANUP_MAX_ITEMS -> Integer.toString(tuning.cleanupMaxItems());
            case DELETED_RETENTION_DAYS -> Integer.toString(tuning.deletedRetentionDays());
            case STALE_GRACE_HOURS -> Integer.toString(tuning.staleGraceHours());
            // the Stage dimension of the run's metrics: Monitoring's alarms select on it
            case BROKER_STAGE -> settings.stage();
            // the deployed service runs with the allocation defaults (this stack sets no lease), so
            // expiry's lease for a migrated allocation without expires_at is the default one too
            case LEASE_HOURS -> Long.toString(AllocationPolicy.DEFAULT_LEASE.toHours());
            case LEASE_HOURS_BY_LAB -> "";
            // sync decides each new sandbox's pool with the same list the service has
            case BROKER_POOLS -> new PoolAssignment(settings.pools()).toJson();
            case CSP_API_TOKEN, NIOSXAAS_EMAIL, NIOSXAAS_PASSWORD ->
                null; // secrets, see jobsSecrets
            case TASK_TOKEN, EXECUTION_ARN ->
                null; // per execution: JobStateMachine's container overrides
          };
      if (value != null) {
        env.put(v.name(), value);
      }
    }
    return env;
  }

  static Map<String, Secret> jobsSecrets(BrokerSecrets secrets) {
    Map<String, Secret> result = new LinkedHashMap<>();
    for (JobsEnvironment v : JobsEnvironment.values()) {
      if (v.isSecret()) {
        result.put(v.name(), Secret.fromSecretsManager(secrets.secret(v.name())));
      }
    }
    return result;
  }

  /** Every ServiceEnvironment variable, likewise by an exhaustive switch. */
  static Map<String, String> service(
      Stack stack,
      BrokerSettings settings,
      BrokerTable table,
      Map<JobName, IStateMachine> machines) {
    Map<String, String> env = new LinkedHashMap<>();
    for (ServiceEnvironment v : ServiceEnvironment.values()) {
      String value =
          switch (v) {
            case BROKER_STORE -> "aws";
            case TABLE_NAME -> table.table().getTableName();
            case AWS_REGION -> stack.getRegion();
            // unset: the SDK's regional default is right in AWS; the override is for DynamoDB Local
            case DYNAMODB_ENDPOINT -> null;
            case BROKER_JOBS_MODE -> "step-functions";
            // the service refuses the demo provider on a real table (the jobs-runner talks to CSP)
            case BROKER_JOBS_PROVIDER -> "none";
            case SYNC_STATE_MACHINE_ARN -> machines.get(JobName.SYNC).getStateMachineArn();
            case CLEANUP_STATE_MACHINE_ARN -> machines.get(JobName.CLEANUP).getStateMachineArn();
            case EXPIRY_STATE_MACHINE_ARN -> machines.get(JobName.EXPIRY).getStateMachineArn();
            case BROKER_API_TOKEN, BROKER_ADMIN_TOKEN -> null; // secrets, see serviceSecrets
            // the Stage dimension of every service metric: Monitoring's alarms, the per-pool ones
            // included, select on it
            case BROKER_STAGE -> settings.stage();
            case BROKER_POOLS -> new PoolAssignment(settings.pools()).toJson();
          };
      if (value != null) {
        env.put(v.name(), value);
      }
    }
    return env;
  }

  static Map<String, Secret> serviceSecrets(BrokerSecrets secrets) {
    Map<String, Secret> result = new LinkedHashMap<>();
    for (ServiceEnvironment v : ServiceEnvironment.values()) {
      if (v.isSecret()) {
        result.put(v.name(), Secret.fromSecretsManager(secrets.secret(v.name())));
      }
    }
    return result;
  }
}
