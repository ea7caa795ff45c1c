package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;

/** The CDK app's entry point: the only place that reads context (design §7). */
public final class SandboxBrokerApp {
  private SandboxBrokerApp() {}

  public static void main(String[] args) {
    App app = new App();
    String stage = context(app, "stage", "dev");
    BrokerSettings settings =
        BrokerSettings.defaults(
                stage,
                context(app, "owner", "platform-team"),
                required(app, "certificateArn"),
                // cdk.json runs the app from cdk-app/; the Dockerfile and runbooks/ are one up
                Path.of(context(app, "repoRoot", "..")).toAbsolutePath().normalize())
            .withNatGateways(Integer.parseInt(context(app, "natGateways", "1")))
            .withAlarms(
                new BrokerSettings.AlarmSettings(
                    Integer.parseInt(context(app, "poolLowWater", "10")),
                    Integer.parseInt(context(app, "allocationP99Millis", "2000")),
                    Integer.parseInt(context(app, "alb5xxPer5Min", "10")),
                    context(app, "alarmEmail", null)))
            // -c pools='[{"name":"adventure","prefix":"lab-adventure-","low_water":5}]'
            .withPools(com.sandboxbroker.core.pool.PoolAssignment.fromJson(context(app, "pools", "")).configured());
    Environment env =
        Environment.builder()
            .account(context(app, "account", System.getenv("CDK_DEFAULT_ACCOUNT")))
            .region(context(app, "region", System.getenv("CDK_DEFAULT_REGION")))
            .build();
    compose(app, settings, env);
    app.synth();
  }

  /** The stack and the AwsSolutions checks; the tests compose exactly this. */
  public static SandboxBrokerStack compose(App app, BrokerSettings settings, Environment env) {
    SandboxBrokerStack stack =
        new SandboxBrokerStack(app, "SandboxBroker-" + settings.stage(), new SandboxBrokerStackProps(settings, env));
    // A finding fails `cdk synth`; acknowledgements sit next to their resources with reasons.
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return stack;
  }

  private static String context(App app, String key, String fallback) {
    Object value = app.getNode().tryGetContext(key);
    return value == null ? fallback : value.toString();
  }

  private static String required(App app, String key) {
    String value = context(app, key, null);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing context value '" + key + "' (cdk synth -c " + key + "=...)");
    }
    return value;
  }
}
