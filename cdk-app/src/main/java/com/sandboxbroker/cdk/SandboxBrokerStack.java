package com.sandboxbroker.cdk;

import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.contract.ServiceEnvironment;
import com.sandboxbroker.core.contract.TableContract;
import com.sandboxbroker.core.pool.PoolAssignment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/** The whole deployment of one stage. Thin: it only wires the constructs together. */
public final class SandboxBrokerStack extends Stack {
  /** Dockerfile targets (stage names); a test checks they exist and produce the expected jars. */
  public static final String SERVICE_IMAGE_TARGET = "service";

  public static final String JOBS_IMAGE_TARGET = "jobs-runner";

  /** Logs are operational data: a month covers incident reviews without paying to keep noise. */
  private static final RetentionDays LOG_RETENTION = RetentionDays.ONE_MONTH;

  public SandboxBrokerStack(Construct scope, String id, SandboxBrokerStackProps props) {
    super(
        scope,
        id,
        StackProps.builder()
            .env(props.env())
            .description("Sandbox Broker (" + props.settings().stage() + ")")
            .build());
    BrokerSettings settings = props.settings();
    String prefix = "sandbox-broker-" + settings.stage();

    // cost-allocation tags on every taggable resource of the stage
    Tags.of(this).add("project", "sandbox-broker");
    Tags.of(this).add("stage", settings.stage());
    Tags.of(this).add("owner", settings.owner());
    // previews retain nothing; long-lived stages retain data except after a failed first create
    Aspects.of(this).add(new RetentionAspect(settings.delivery().isPreview()));
    // job schedules (and the alarms that expect them) stay off until the upstream secrets are set
    Aspects.of(this).add(new JobSchedulesGate(settings.delivery().jobSchedulesEnabled()));

    Network network =
        new Network(this, "Network", new NetworkProps(settings.natGateways(), LOG_RETENTION));
    Cluster cluster =
        Cluster.Builder.create(this, "Cluster")
            .clusterName(prefix)
            .vpc(network.vpc())
            .containerInsightsV2(ContainerInsights.ENABLED)
            .build();
    BrokerTable table =
        new BrokerTable(
            this,
            "BrokerTable",
            new BrokerTableProps(TableContract.DEFAULT_TABLE_NAME + "-" + settings.stage()));
    BrokerSecrets secrets =
        new BrokerSecrets(
            this,
            "Secrets",
            new BrokerSecretsProps("sandbox-broker/" + settings.stage() + "/", secretEnvNames()));
    AlarmTopic alarmTopic =
        new AlarmTopic(
            this, "AlarmTopic", new AlarmTopicProps(prefix + "-alarms", settings.alarms().email()));

    JobsTask jobsTask =
        new JobsTask(
            this,
            "JobsTask",
            new JobsTaskProps(
                ImageSource.image(this, settings, JOBS_IMAGE_TARGET),
                table.table(),
                jobsEnvironment(settings, table),
                jobsSecrets(secrets),
                settings.jobs().cpu(),
                settings.jobs().memoryMiB(),
                LOG_RETENTION,
                jobsLogGroupName(settings)));

    Map<JobName, IStateMachine> machines = new EnumMap<>(JobName.class);
    for (JobName job : JobName.values()) {
      String name = prefix + "-" + job.wireName();
      JobStateMachine machine =
          new JobStateMachine(
              this,
              "Job-" + job.wireName(),
              new JobStateMachineProps(
                  job,
                  name,
                  cluster,
                  jobsTask,
                  network.jobsSubnets(),
                  network.jobsNeedPublicIp(),
                  network.jobsSecurityGroup(),
                  settings.jobs().heartbeatTimeout(),
                  settings.jobs().taskTimeout(),
                  LOG_RETENTION));
      machines.put(job, machine.stateMachine());
      new JobSchedule(
          this,
          "Schedule-" + job.wireName(),
          new JobScheduleProps(job, name, machine.stateMachine(), settings.jobs().rate(job)));
    }

    ApiCertificate certificate =
        new ApiCertificate(
            this,
            "ApiCertificate",
            new ApiCertificateProps(settings.delivery().domain(), settings.certificateArn()));
    boolean apiGateway = settings.delivery().ingress() == DeliverySettings.Ingress.APIGATEWAY;
    ApiService api =
        new ApiService(
            this,
            "Api",
            new ApiServiceProps(
                prefix + "-api",
                cluster,
                network.serviceSubnets(),
                ImageSource.image(this, settings, SERVICE_IMAGE_TARGET),
                apiGateway ? null : Delivery.requireCertificate(certificate, settings),
                !apiGateway,
                table.table(),
                new ArrayList<>(machines.values()),
                serviceEnvironment(settings, table, machines),
                serviceSecrets(secrets),
                settings.api(),
                LOG_RETENTION,
                apiLogGroupName(settings),
                !settings.delivery().isPreview(),
                Delivery.blueGreen(settings)));
    if (!apiGateway) {
      // WAF's per-IP rate rule needs the client's address, which only an internet-facing ALB sees
      new ApiFirewall(
          this,
          "Firewall",
          new ApiFirewallProps(
              prefix + "-api",
              api.service().getLoadBalancer().getLoadBalancerArn(),
              settings.api().wafRequestsPer5MinPerIp()));
    }
    String apiUrl = Delivery.ingress(this, settings, api, certificate, network, LOG_RETENTION);
    new Monitoring(
        this,
        "Monitoring",
        new MonitoringProps(
            prefix,
            settings.stage(),
            alarmTopic.topic(),
            machines,
            settings.jobs().rates(),
            settings.jobs().missedPeriods(),
            api.service().getLoadBalancer(),
            api.service().getTargetGroup(),
            table.table(),
            settings.alarms()));
    new OperationsAlarms(
        this,
        "OperationsAlarms",
        new OperationsAlarmsProps(
            prefix,
            alarmTopic.topic(),
            new ArrayList<>(machines.values()),
            cluster,
            api.service().getService(),
            List.of(api.service().getTargetGroup(), api.service().getAlternateTargetGroup()),
            table.table(),
            List.of(apiLogGroupName(settings), jobsLogGroupName(settings)),
            JobSchedule.SCHEDULE_GROUP));

    new LifecycleEvents(
        this,
        "LifecycleEvents",
        new LifecycleEventsProps(
            prefix, EventContract.busName(settings.stage()), table.table(), alarmTopic.topic()));

    if (settings.delivery().isPreview()) {
      new PreviewTeardown(
          this,
          "Teardown",
          new PreviewTeardownProps(
              settings.stage(),
              settings.delivery().preview(),
              prefix,
              prefix + "-api",
              alarmTopic.topic(),
              LOG_RETENTION));
    }

    new PoolAlarms(
        this,
        "PoolAlarms",
        new PoolAlarmsProps(prefix, settings.stage(), alarmTopic.topic(), settings.pools()));

    CfnOutput.Builder.create(this, "ApiUrl").value(apiUrl).build();
    // the pipeline's smoke test reads the track token from here (previews have generated names)
    CfnOutput.Builder.create(this, "ApiTokenSecretArn")
        .value(secrets.secret(ServiceEnvironment.BROKER_API_TOKEN.name()).getSecretArn())
        .build();
    CfnOutput.Builder.create(this, "TableName").value(table.table().getTableName()).build();
    CfnOutput.Builder.create(this, "AlarmTopicArn").value(alarmTopic.topic().getTopicArn()).build();
  }

  /** The API's log group: its EMF lines become the service's metrics. */
  private static String apiLogGroupName(BrokerSettings settings) {
    return "/sandbox-broker/" + settings.stage() + "/api";
  }

  /** The jobs-runner's log group: its EMF lines become the runs' metrics. */
  private static String jobsLogGroupName(BrokerSettings settings) {
    return "/sandbox-broker/" + settings.stage() + "/jobs";
  }

  private static List<String> secretEnvNames() {
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
  private Map<String, String> jobsEnvironment(BrokerSettings settings, BrokerTable table) {
    Map<String, String> env = new LinkedHashMap<>();
    BrokerSettings.UpstreamSettings upstream = settings.upstream();
    BrokerSettings.RunnerTuning tuning = settings.jobs().tuning();
    for (JobsEnvironment v : JobsEnvironment.values()) {
      String value =
          switch (v) {
            case TABLE_NAME -> table.table().getTableName();
            case AWS_REGION -> getRegion();
            // the regional endpoint, explicitly: it resolves through the DynamoDB gateway endpoint
            case DYNAMODB_ENDPOINT -> "https://dynamodb." + getRegion() + "." + getUrlSuffix();
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
            case SFN_ENDPOINT -> "https://states." + getRegion() + "." + getUrlSuffix();
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

  private static Map<String, Secret> jobsSecrets(BrokerSecrets secrets) {
    Map<String, Secret> result = new LinkedHashMap<>();
    for (JobsEnvironment v : JobsEnvironment.values()) {
      if (v.isSecret()) {
        result.put(v.name(), Secret.fromSecretsManager(secrets.secret(v.name())));
      }
    }
    return result;
  }

  private Map<String, String> serviceEnvironment(
      BrokerSettings settings, BrokerTable table, Map<JobName, IStateMachine> machines) {
    Map<String, String> env = new LinkedHashMap<>();
    for (ServiceEnvironment v : ServiceEnvironment.values()) {
      String value =
          switch (v) {
            case BROKER_STORE -> "aws";
            case TABLE_NAME -> table.table().getTableName();
            case AWS_REGION -> getRegion();
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

  private static Map<String, Secret> serviceSecrets(BrokerSecrets secrets) {
    Map<String, Secret> result = new LinkedHashMap<>();
    for (ServiceEnvironment v : ServiceEnvironment.values()) {
      if (v.isSecret()) {
        result.put(v.name(), Secret.fromSecretsManager(secrets.secret(v.name())));
      }
    }
    return result;
  }
}
