package com.sandboxbroker.cdk;

import com.sandboxbroker.core.pool.PoolAssignment;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;

/**
 * The CDK app's entry point: the only place that reads context (design §7). {@code -c stage=} picks
 * a stage of {@link Stages} (dev by default) or, with {@code -c ephemeralHours=}, names a preview;
 * the registry and the stage account's GitHub deploy role are synthesized alongside.
 */
public final class SandboxBrokerApp {
  private SandboxBrokerApp() {}

  public static void main(String[] args) {
    App app = new App();
    build(app, Instant.now());
    app.synth();
  }

  /**
   * Everything {@link #main} synthesizes, from the app's context; {@code now} starts a preview's
   * TTL.
   */
  public static SandboxBrokerStack build(App app, Instant now) {
    String ephemeralHours = context(app, "ephemeralHours", null);
    StageSettings stage = Stages.resolve(context(app, "stage", "dev"), ephemeralHours != null);
    DeliverySettings delivery =
        DeliverySettings.WORKSTATION
            .withIngress(DeliverySettings.Ingress.parse(context(app, "ingress", null)))
            .withDomain(domain(app, stage))
            .withJobSchedulesEnabled(schedulesEnabled(context(app, "jobSchedules", "disabled")));
    if (ephemeralHours != null) {
      delivery =
          delivery.withPreview(
              DeliverySettings.Preview.after(now, Integer.parseInt(ephemeralHours)));
    }
    String serviceDigest = context(app, "serviceImageDigest", null);
    String jobsDigest = context(app, "jobsImageDigest", null);
    if (serviceDigest != null || jobsDigest != null) {
      delivery =
          delivery.withImages(
              new DeliverySettings.ImageDigests(
                  Stages.DEV.account(), Stages.DEV.region(), serviceDigest, jobsDigest));
    }
    String owner = context(app, "owner", "platform-team");
    BrokerSettings settings =
        BrokerSettings.defaults(
                stage.name(),
                owner,
                context(app, "certificateArn", null),
                // cdk.json runs the app from cdk-app/; the Dockerfile and runbooks/ are one up
                Path.of(context(app, "repoRoot", "..")).toAbsolutePath().normalize())
            .withNatGateways(
                Integer.parseInt(
                    context(app, "natGateways", Integer.toString(stage.natGateways()))))
            .withApi(stage.api())
            .withAlarms(
                new BrokerSettings.AlarmSettings(
                    Integer.parseInt(context(app, "poolLowWater", "10")),
                    Integer.parseInt(context(app, "allocationP99Millis", "2000")),
                    Integer.parseInt(context(app, "alb5xxPer5Min", "10")),
                    context(app, "alarmEmail", stage.alarmEmail())))
            .withDelivery(delivery)
            // -c pools='[{"name":"adventure","prefix":"lab-adventure-","low_water":5}]'
            .withPools(PoolAssignment.fromJson(context(app, "pools", "")).configured());
    Environment env = Environment.builder().account(stage.account()).region(stage.region()).build();
    SandboxBrokerStack stack = compose(app, settings, env);
    if (!delivery.isPreview()) {
      composeDelivery(
          app, stage, owner, context(app, "githubRepository", "your-org/sandbox-broker"));
    }
    return stack;
  }

  /** The stack and the AwsSolutions checks; the tests compose exactly this. */
  public static SandboxBrokerStack compose(App app, BrokerSettings settings, Environment env) {
    SandboxBrokerStack stack =
        new SandboxBrokerStack(
            app, "SandboxBroker-" + settings.stage(), new SandboxBrokerStackProps(settings, env));
    // A finding fails `cdk synth`; acknowledgements sit next to their resources with reasons.
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return stack;
  }

  /**
   * The account-level delivery stacks: the image registry (in dev's account, pullable by the
   * others) and the GitHub OIDC deploy role of the stage's account.
   */
  public static void composeDelivery(
      App app, StageSettings stage, String owner, String githubRepository) {
    List<String> others = new ArrayList<>();
    Stages.ALL.values().forEach(s -> others.add(s.account()));
    Environment registryEnv =
        Environment.builder().account(Stages.DEV.account()).region(Stages.DEV.region()).build();
    new ImageRegistryStack(app, registryEnv, owner, others);
    boolean registryAccount = stage.account().equals(Stages.DEV.account());
    List<String> subjects = new ArrayList<>(List.of(stage.name()));
    if (stage == Stages.DEV) {
      // pull-request previews deploy into dev's account from their own environment
      subjects.add("preview");
    }
    List<String> stages = new ArrayList<>(subjects);
    new GitHubDeployAccessStack(
        app,
        "SandboxBroker-GitHubAccess-" + stage.name(),
        Environment.builder().account(stage.account()).region(stage.region()).build(),
        githubRepository,
        subjects,
        stages,
        registryAccount);
  }

  private static DomainSettings domain(App app, StageSettings stage) {
    String zoneId = context(app, "hostedZoneId", null);
    String zoneName = context(app, "hostedZoneName", null);
    if (zoneId == null && zoneName == null) {
      return stage.domain();
    }
    if (zoneId == null || zoneName == null) {
      throw new IllegalArgumentException(
          "give both -c hostedZoneId and -c hostedZoneName (no lookup: synth stays offline)");
    }
    String host = context(app, "hostName", stage.name() + "." + zoneName);
    return new DomainSettings(zoneId, zoneName, host);
  }

  private static boolean schedulesEnabled(String value) {
    return switch (value) {
      case "enabled" -> true;
      case "disabled" -> false;
      default ->
          throw new IllegalArgumentException("jobSchedules must be enabled or disabled: " + value);
    };
  }

  private static String context(App app, String key, String fallback) {
    Object value = app.getNode().tryGetContext(key);
    return value == null ? fallback : value.toString();
  }
}
