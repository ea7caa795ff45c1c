package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListenerRule;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.FixedResponseOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeElb;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCondition;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.elasticloadbalancingv2.WeightedTargetGroup;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * {@link ApiService}'s load-balancer side, created in its scope (the construct paths are
 * ApiService's): the two target groups blue/green moves traffic between, the alarms ECS rolls a
 * deployment back on, and the access logs.
 */
final class ApiTraffic {
  private ApiTraffic() {}

  static ApplicationTargetGroup targetGroup(Construct scope, String id, IVpc vpc) {
    ApplicationTargetGroup group =
        ApplicationTargetGroup.Builder.create(scope, id)
            .vpc(vpc)
            .targetType(TargetType.IP)
            .port(ApiService.APP_PORT)
            .protocol(ApplicationProtocol.HTTP)
            // in-flight allocations finish well within 30 s (the claim budget is 10 s); the 300 s
            // default only slows deployments down
            .deregistrationDelay(Duration.seconds(30))
            .healthCheck(
                HealthCheck.builder()
                    .path(ApiService.HEALTH_PATH)
                    .healthyHttpCodes("200")
                    .interval(Duration.seconds(15))
                    .healthyThresholdCount(2)
                    .unhealthyThresholdCount(3)
                    .build())
            .build();
    return group;
  }

  /**
   * The API's 5xx and latency alarms at deployment resolution: one-minute periods, so a bad version
   * is rolled back within the bake time rather than after Monitoring's paging windows. No action:
   * ECS watches them and rolls back; Monitoring's alarms page if it persists.
   */
  static List<Alarm> rollbackAlarms(
      Construct scope, ApplicationLoadBalancer loadBalancer, ApiServiceProps props) {
    MathExpression errors =
        MathExpression.Builder.create()
            .expression("FILL(target, 0) + FILL(elb, 0)")
            .usingMetrics(
                Map.of(
                    "target",
                        loadBalancer
                            .getMetrics()
                            .httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, perMinute("Sum")),
                    "elb",
                        loadBalancer
                            .getMetrics()
                            .httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, perMinute("Sum"))))
            .period(Duration.minutes(1))
            .label("5xx per minute (targets + ALB)")
            .build();
    Alarm fiveXx =
        Alarm.Builder.create(scope, "Rollback5xx")
            .alarmName(props.serviceName() + "-deploy-5xx")
            .alarmDescription(
                "Rolls an API deployment back: at least "
                    + props.deployment().rollback5xxPerMinute()
                    + " 5xx per minute in 2 of 3 minutes. Runbook: "
                    + Monitoring.RUNBOOK_API_5XX)
            .metric(errors)
            .threshold(props.deployment().rollback5xxPerMinute())
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .evaluationPeriods(3)
            .datapointsToAlarm(2)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    Alarm latency =
        Alarm.Builder.create(scope, "RollbackLatency")
            .alarmName(props.serviceName() + "-deploy-latency-p99")
            .alarmDescription(
                "Rolls an API deployment back: target response time p99 above "
                    + props.deployment().rollbackP99Millis()
                    + " ms for 3 minutes. Runbook: "
                    + Monitoring.RUNBOOK_ALLOCATION_LATENCY)
            .metric(loadBalancer.getMetrics().targetResponseTime(perMinute("p99")))
            .threshold(props.deployment().rollbackP99Millis() / 1000.0)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .evaluationPeriods(3)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    return List.of(fiveXx, latency);
  }

  private static MetricOptions perMinute(String statistic) {
    return MetricOptions.builder().period(Duration.minutes(1)).statistic(statistic).build();
  }

  static void logAccess(
      Construct scope, ApplicationLoadBalancer loadBalancer, ApiServiceProps props) {
    if (props.accessLogs()) {
      Bucket accessLogBucket =
          Bucket.Builder.create(scope, "AccessLogs")
              // ALB access logs support only SSE-S3
              .encryption(BucketEncryption.S3_MANAGED)
              .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
              .enforceSsl(true)
              .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
              // 90 days covers an incident review and a billing dispute with a lab platform
              .lifecycleRules(
                  List.of(LifecycleRule.builder().expiration(Duration.days(90)).build()))
              // kept when the stack is deleted, not when its first create rolls back
              // (RetentionAspect)
              .removalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
              .build();
      NagSuppressions.addResourceSuppressions(
          accessLogBucket,
          List.of(
              NagPackSuppression.builder()
                  .id("AwsSolutions-S1")
                  .reason(
                      "This bucket only receives ALB access logs; logging access to the log bucket"
                          + " into another bucket would need a log bucket for that one too.")
                  .build()));
      loadBalancer.logAccessLogs(accessLogBucket, "alb");
    } else {
      NagSuppressions.addResourceSuppressions(
          loadBalancer,
          List.of(
              NagPackSuppression.builder()
                  .id("AwsSolutions-ELB2")
                  .reason(
                      "A preview stage deletes itself after its TTL and retains nothing, so it has"
                          + " no access-log bucket; the long-lived stages log every request.")
                  .build()));
    }
    if (props.internetFacing()) {
      NagSuppressions.addResourceSuppressions(
          loadBalancer,
          List.of(
              NagPackSuppression.builder()
                  .id("AwsSolutions-EC23")
                  .reason(
                      "The ALB is the public API for lab platforms whose egress addresses are not"
                          + " fixed: 0.0.0.0/0 on 80 (redirect only) and 443. WAF filters in front.")
                  .build()),
          true);
    }
  }

  /** A listener that answers 404 in the contract's error shape unless a rule matches. */
  static ApplicationListener listener(
      ApplicationLoadBalancer loadBalancer, String id, int port, ApiServiceProps props) {
    boolean https = props.certificate() != null;
    return loadBalancer.addListener(
        id,
        BaseApplicationListenerProps.builder()
            .port(port)
            .protocol(https ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP)
            .certificates(
                https
                    ? List.of(ListenerCertificate.fromCertificateManager(props.certificate()))
                    : null)
            .sslPolicy(https ? SslPolicy.RECOMMENDED_TLS : null)
            .open(false)
            .defaultAction(
                ListenerAction.fixedResponse(
                    404,
                    FixedResponseOptions.builder()
                        .contentType("application/json")
                        .messageBody("{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}")
                        .build()))
            .build());
  }

  /** Every path, weighted: ECS moves the weights between the two groups during a deployment. */
  static ApplicationListenerRule catchAllRule(
      Construct scope,
      String id,
      ApplicationListener listener,
      ApplicationTargetGroup blue,
      ApplicationTargetGroup green) {
    return ApplicationListenerRule.Builder.create(scope, id)
        .listener(listener)
        .priority(1)
        .conditions(List.of(ListenerCondition.pathPatterns(List.of("/*"))))
        .action(
            ListenerAction.weightedForward(
                List.of(
                    WeightedTargetGroup.builder().targetGroup(blue).weight(100).build(),
                    WeightedTargetGroup.builder().targetGroup(green).weight(0).build())))
        .build();
  }
}
