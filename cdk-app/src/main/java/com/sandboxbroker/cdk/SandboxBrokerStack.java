package com.sandboxbroker.cdk;

import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.ServiceEnvironment;
import com.sandboxbroker.core.contract.TableContract;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The whole deployment of one stage. Thin: it only wires the constructs together, in the order the
 * constructor lists them (construct ids and order are the template's logical ids: keep them).
 */
public final class SandboxBrokerStack extends Stack {
  /** Dockerfile targets (stage names); a test checks they exist and produce the expected jars. */
  public static final String SERVICE_IMAGE_TARGET = "service";

  public static final String JOBS_IMAGE_TARGET = "jobs-runner";

  /** Logs are operational data: a month covers incident reviews without paying to keep noise. */
  private static final RetentionDays LOG_RETENTION = RetentionDays.ONE_MONTH;

  private final BrokerSettings settings;

  /** The stage's resource names: {@code sandbox-broker-<stage>}. */
  private final String prefix;

  public SandboxBrokerStack(Construct scope, String id, SandboxBrokerStackProps props) {
    super(
        scope,
        id,
        StackProps.builder()
            .env(props.env())
            .description("Sandbox Broker (" + props.settings().stage() + ")")
            .build());
    this.settings = props.settings();
    this.prefix = "sandbox-broker-" + settings.stage();
    tagAndGate();

    Network network =
        new Network(this, "Network", new NetworkProps(settings.natGateways(), LOG_RETENTION));
    Cluster cluster = cluster(network);
    BrokerTable table = table();
    BrokerSecrets secrets = secrets();
    AlarmTopic alarmTopic = alarmTopic();
    Map<JobName, IStateMachine> machines =
        jobStateMachines(network, cluster, jobsTask(table, secrets));
    ApiCertificate certificate = certificate();
    ApiService api = apiService(network, cluster, table, secrets, machines, certificate);
    String apiUrl = Delivery.ingress(this, settings, api, certificate, network, LOG_RETENTION);
    monitoring(alarmTopic, machines, cluster, api, table);
    lifecycleEvents(table, alarmTopic);
    if (settings.delivery().isPreview()) {
      previewTeardown(alarmTopic);
    }
    poolAlarms(alarmTopic);
    outputs(apiUrl, secrets, table, alarmTopic);
  }

  /** Cost-allocation tags, the retention policy and the job schedules' gate, stage-wide. */
  private void tagAndGate() {
    // cost-allocation tags on every taggable resource of the stage
    Tags.of(this).add("project", "sandbox-broker");
    Tags.of(this).add("stage", settings.stage());
    Tags.of(this).add("owner", settings.owner());
    // previews retain nothing; long-lived stages retain data except after a failed first create
    Aspects.of(this).add(new RetentionAspect(settings.delivery().isPreview()));
    // job schedules (and the alarms that expect them) stay off until the upstream secrets are set
    Aspects.of(this).add(new JobSchedulesGate(settings.delivery().jobSchedulesEnabled()));
  }

  private Cluster cluster(Network network) {
    return Cluster.Builder.create(this, "Cluster")
        .clusterName(prefix)
        .vpc(network.vpc())
        .containerInsightsV2(ContainerInsights.ENABLED)
        .build();
  }

  private BrokerTable table() {
    return new BrokerTable(
        this,
        "BrokerTable",
        new BrokerTableProps(TableContract.DEFAULT_TABLE_NAME + "-" + settings.stage()));
  }

  /** One Secrets Manager secret per secret variable of either container. */
  private BrokerSecrets secrets() {
    return new BrokerSecrets(
        this,
        "Secrets",
        new BrokerSecretsProps(
            "sandbox-broker/" + settings.stage() + "/", TaskEnvironments.secretNames()));
  }

  private AlarmTopic alarmTopic() {
    return new AlarmTopic(
        this, "AlarmTopic", new AlarmTopicProps(prefix + "-alarms", settings.alarms().email()));
  }

  /** The one jobs-runner task definition every job's state machine runs. */
  private JobsTask jobsTask(BrokerTable table, BrokerSecrets secrets) {
    return new JobsTask(
        this,
        "JobsTask",
        new JobsTaskProps(
            ImageSource.image(this, settings, JOBS_IMAGE_TARGET),
            table.table(),
            TaskEnvironments.jobs(this, settings, table),
            TaskEnvironments.jobsSecrets(secrets),
            settings.jobs().cpu(),
            settings.jobs().memoryMiB(),
            LOG_RETENTION,
            jobsLogGroupName()));
  }

  /** Per job: its state machine and the schedule that starts it. */
  private Map<JobName, IStateMachine> jobStateMachines(
      Network network, Cluster cluster, JobsTask jobsTask) {
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
    return machines;
  }

  private ApiCertificate certificate() {
    return new ApiCertificate(
        this,
        "ApiCertificate",
        new ApiCertificateProps(settings.delivery().domain(), settings.certificateArn()));
  }

  /** The API behind its ALB, and the WAF when that ALB faces the internet. */
  private ApiService apiService(
      Network network,
      Cluster cluster,
      BrokerTable table,
      BrokerSecrets secrets,
      Map<JobName, IStateMachine> machines,
      ApiCertificate certificate) {
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
                TaskEnvironments.service(this, settings, table, machines),
                TaskEnvironments.serviceSecrets(secrets),
                settings.api(),
                LOG_RETENTION,
                apiLogGroupName(),
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
    return api;
  }

  /** The metric alarms and dashboard, then the alarms on AWS's own metrics and events. */
  private void monitoring(
      AlarmTopic alarmTopic,
      Map<JobName, IStateMachine> machines,
      Cluster cluster,
      ApiService api,
      BrokerTable table) {
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
            List.of(apiLogGroupName(), jobsLogGroupName()),
            JobSchedule.SCHEDULE_GROUP));
  }

  /** The table's stream as events on the stage's bus. */
  private void lifecycleEvents(BrokerTable table, AlarmTopic alarmTopic) {
    new LifecycleEvents(
        this,
        "LifecycleEvents",
        new LifecycleEventsProps(
            prefix, EventContract.busName(settings.stage()), table.table(), alarmTopic.topic()));
  }

  private void previewTeardown(AlarmTopic alarmTopic) {
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

  /** A low-water alarm per configured pool. */
  private void poolAlarms(AlarmTopic alarmTopic) {
    new PoolAlarms(
        this,
        "PoolAlarms",
        new PoolAlarmsProps(prefix, settings.stage(), alarmTopic.topic(), settings.pools()));
  }

  private void outputs(
      String apiUrl, BrokerSecrets secrets, BrokerTable table, AlarmTopic alarmTopic) {
    CfnOutput.Builder.create(this, "ApiUrl").value(apiUrl).build();
    // the pipeline's smoke test reads the track token from here (previews have generated names)
    CfnOutput.Builder.create(this, "ApiTokenSecretArn")
        .value(secrets.secret(ServiceEnvironment.BROKER_API_TOKEN.name()).getSecretArn())
        .build();
    CfnOutput.Builder.create(this, "TableName").value(table.table().getTableName()).build();
    CfnOutput.Builder.create(this, "AlarmTopicArn").value(alarmTopic.topic().getTopicArn()).build();
  }

  /** The API's log group: its EMF lines become the service's metrics. */
  private String apiLogGroupName() {
    return "/sandbox-broker/" + settings.stage() + "/api";
  }

  /** The jobs-runner's log group: its EMF lines become the runs' metrics. */
  private String jobsLogGroupName() {
    return "/sandbox-broker/" + settings.stage() + "/jobs";
  }
}
