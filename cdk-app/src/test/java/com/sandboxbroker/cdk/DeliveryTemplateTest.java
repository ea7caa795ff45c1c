package com.sandboxbroker.cdk;

import static com.sandboxbroker.cdk.Templates.containing;
import static com.sandboxbroker.cdk.Templates.everySelected;
import static com.sandboxbroker.cdk.Templates.findAnyType;
import static com.sandboxbroker.cdk.Templates.metricNamed;
import static com.sandboxbroker.cdk.Templates.withProperties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.JobName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Matcher;
import software.amazon.awscdk.assertions.Template;

/**
 * Issue #15 on the synthesized templates, each built the way {@code cdk synth -c …} builds it:
 * stages from the typed map, blue/green with rollback alarms, tag propagation, the review fixes, a
 * self-deleting preview, DNS, the API Gateway variant, the registry and the OIDC role; cdk-nag
 * clean for every variant.
 */
class DeliveryTemplateTest {
  static final String ZONE_ID = "Z0123456789ABCDEFGHIJ";
  static final String REAL_CERT =
      "arn:aws:acm:eu-west-1:123456789012:certificate/3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

  static StageSynth stage(String name) {
    return StageSynth.of("stage", name);
  }

  static StageSynth preview() {
    return StageSynth.of("stage", "pr42", "ephemeralHours", "24");
  }

  // ---- stages -------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"dev", "test", "prod"})
  void eachStageDeploysToItsAccountWithItsSizingAndIsNagClean(String name) {
    StageSynth s = stage(name);
    StageSettings settings = Stages.ALL.get(name);
    assertThat(s.stack.getAccount()).isEqualTo(settings.account());
    assertThat(s.stack.getRegion()).isEqualTo(settings.region());
    assertThat(s.stack.getStackName()).isEqualTo("SandboxBroker-" + name);
    s.template.hasResourceProperties(
        "AWS::ECS::Service", Match.objectLike(Map.of("DesiredCount", settings.api().minTasks())));
    s.template.hasResourceProperties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        Match.objectLike(
            Map.of(
                "MinCapacity",
                settings.api().minTasks(),
                "MaxCapacity",
                settings.api().maxTasks())));
    s.template.resourceCountIs("AWS::EC2::NatGateway", settings.natGateways());
    assertThat(StageSynth.nagFindings(s.stack)).as(name).isEmpty();
    assertThat(StageSynth.nagFindings(s.other(ImageRegistryStack.STACK_NAME))).isEmpty();
    assertThat(StageSynth.nagFindings(s.other("SandboxBroker-GitHubAccess-" + name))).isEmpty();
  }

  @Test
  void anUnknownStageIsRefusedUnlessItIsAPreview() {
    assertThatThrownBy(() -> StageSynth.of("stage", "prdo"))
        .hasStackTraceContaining("unknown stage 'prdo'");
    assertThatThrownBy(() -> StageSynth.of("stage", "prod", "ephemeralHours", "24"))
        .hasStackTraceContaining("long-lived stage");
    assertThat(preview().stack.getAccount()).isEqualTo(Stages.DEV.account());
  }

  // ---- blue/green ---------------------------------------------------------------------------

  @Test
  void ecsBlueGreenWithAlternateTargetGroupTestListenerBakeTimeAndAlarmRollback() {
    Template t = stage("prod").template;
    t.resourceCountIs("AWS::ECS::Service", 1);
    // the names are Refs to the alarms of this template, found by their AlarmName
    String fiveXx =
        t.getResourceId(
            "AWS::CloudWatch::Alarm",
            withProperties(Map.of("AlarmName", "sandbox-broker-prod-api-deploy-5xx")));
    String latency =
        t.getResourceId(
            "AWS::CloudWatch::Alarm",
            withProperties(Map.of("AlarmName", "sandbox-broker-prod-api-deploy-latency-p99")));
    Capture alarmNames = new Capture();
    t.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "DeploymentConfiguration",
                Match.objectLike(
                    Map.of(
                        "Strategy",
                        "BLUE_GREEN",
                        "BakeTimeInMinutes",
                        10,
                        "Alarms",
                        Match.objectLike(
                            Map.of("Enable", true, "Rollback", true, "AlarmNames", alarmNames)),
                        "DeploymentCircuitBreaker",
                        Match.objectLike(Map.of("Rollback", true)))),
                "LoadBalancers",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "AdvancedConfiguration",
                                Match.objectLike(
                                    Map.of(
                                        "AlternateTargetGroupArn", Match.anyValue(),
                                        "ProductionListenerRule", Match.anyValue(),
                                        "TestListenerRule", Match.anyValue(),
                                        "RoleArn", Match.anyValue())))))))));
    assertThat(alarmNames.asArray())
        .containsExactlyInAnyOrder(Map.of("Ref", fiveXx), Map.of("Ref", latency));
    t.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "AlarmName",
                "sandbox-broker-prod-api-deploy-5xx",
                "EvaluationPeriods",
                3,
                "DatapointsToAlarm",
                2)));
    // one metric at a time: the order of the alarm's metrics is not fixed
    for (String metric : List.of("HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count")) {
      t.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Match.objectLike(
              Map.of(
                  "AlarmName",
                  "sandbox-broker-prod-api-deploy-5xx",
                  "Metrics",
                  Match.arrayWith(List.of(metricNamed(metric))))));
    }

    t.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 2);
    t.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Match.objectLike(Map.of("Port", ApiService.TEST_PORT, "Protocol", "HTTPS")));
    // the test listener is reachable from inside the VPC only
    t.hasResourceProperties(
        "AWS::EC2::SecurityGroup",
        Match.objectLike(
            Map.of(
                "SecurityGroupIngress",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "FromPort", ApiService.TEST_PORT, "CidrIp", Network.VPC_CIDR)))))));
  }

  // ---- review fixes -------------------------------------------------------------------------

  @Test
  void costTagsPropagateToApiTasksAndToEveryJobRun() {
    StageSynth s = stage("dev");
    s.template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(Map.of("PropagateTags", "SERVICE", "EnableECSManagedTags", true)));
    for (var job : JobName.values()) {
      JsonNode run =
          SynthesizedBroker.get().definition(job).get("States").get(JobStateMachine.RUN_STATE);
      assertThat(run.get("Parameters").get("PropagateTags").asText())
          .as(job.wireName())
          .isEqualTo("TASK_DEFINITION");
    }
  }

  @Test
  void jobSchedulesAreDisabledUntilTheStageIsDeployedWithThemEnabled() {
    Template test = stage("test").template;
    test.allResourcesProperties(
        "AWS::Scheduler::Schedule", Match.objectLike(Map.of("State", "DISABLED")));
    // and the alarms that would page about the schedules being off stay quiet meanwhile
    everySelected(
        test,
        "AWS::CloudWatch::Alarm",
        Map.of("AlarmName", Match.stringLikeRegexp(JobSchedulesGate.NOT_SUCCEEDED_SUFFIX + "$")),
        Match.objectLike(Map.of("ActionsEnabled", false)));
    Template enabled = StageSynth.of("stage", "test", "jobSchedules", "enabled").template;
    // State left out means ENABLED
    assertThat(
            enabled.findResources(
                "AWS::Scheduler::Schedule", withProperties(Map.of("State", Match.not("ENABLED")))))
        .isEmpty();
  }

  @Test
  void thePlaceholderCertificateStopsTheDeployBeforeAnyResourceIsCreated() {
    // cdk.json's all-zero ARN: synth passes (offline clone), a CloudFormation rule refuses the
    // deploy
    stage("dev").template.templateMatches(rules(placeholderRule()));
    // a real ARN: no rule
    StageSynth.of("stage", "dev", "certificateArn", REAL_CERT)
        .template
        .templateMatches(rules(Match.absent()));
    // malformed, or in another region than the stage: refused at synth
    assertThatThrownBy(
            () ->
                StageSynth.of(
                    "stage",
                    "dev",
                    "certificateArn",
                    "arn:aws:acm:eu-west-1:123456789012:certificate/x"))
        .hasStackTraceContaining("certificateArn must be an ACM certificate ARN");
    assertThatThrownBy(
            () ->
                StageSynth.of(
                    "stage", "dev", "certificateArn", REAL_CERT.replace("eu-west-1", "us-east-1")))
        .hasStackTraceContaining("but the stage deploys to eu-west-1");
  }

  /** A template whose Rules section has the placeholder rule like this (absent: no such rule). */
  static Matcher rules(Matcher placeholderRule) {
    return Match.objectLike(
        Map.of(
            "Rules", Match.objectLike(Map.of(ApiCertificate.PLACEHOLDER_RULE, placeholderRule))));
  }

  /** The rule asserts the certificate ARN is not the placeholder. */
  static Matcher placeholderRule() {
    return Match.objectLike(
        Map.of(
            "Assertions",
            Match.arrayWith(
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Assert",
                            Map.of(
                                "Fn::Not",
                                List.of(
                                    Map.of(
                                        "Fn::Equals",
                                        Match.arrayWith(
                                            List.of(
                                                containing(
                                                    ApiCertificate.PLACEHOLDER_ID))))))))))));
  }

  @Test
  void aLongLivedStageRetainsItsDataExceptWhenItsFirstCreateRollsBack() {
    Template t = stage("prod").template;
    assertThat(findAnyType(t, Map.of("DeletionPolicy", "Retain"))).isEmpty();
    for (String type : List.of("AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::S3::Bucket")) {
      t.hasResource(type, Match.objectLike(Map.of("DeletionPolicy", "RetainExceptOnCreate")));
    }
    t.hasResourceProperties(
        "AWS::DynamoDB::Table", Match.objectLike(Map.of("DeletionProtectionEnabled", true)));
  }

  @Test
  void apiScalingTracksCpuOnlySoAJvmCanScaleIn() {
    Template t = stage("prod").template;
    Templates.scalesOnCpuOnly(t);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "pr42"})
  void everyIam5AcknowledgementNamesTheWildcardsItCovers(String name) {
    Template t = (name.equals("dev") ? stage("dev") : preview()).template;
    assertThat(findAnyType(t, iam5Acknowledgement(Match.anyValue()))).isNotEmpty();
    // none leaves applies_to out, and none gives an empty list or something not a list
    // (arrayWith takes no anyValue(): "not absent" is an element that is there)
    Matcher anElement = Match.not(Match.absent());
    assertThat(findAnyType(t, iam5Acknowledgement(Match.absent()))).isEmpty();
    assertThat(findAnyType(t, iam5Acknowledgement(Match.not(Match.arrayWith(List.of(anElement))))))
        .isEmpty();
  }

  /** A resource with an AwsSolutions-IAM5 acknowledgement whose applies_to is like this. */
  private static Matcher iam5Acknowledgement(Matcher appliesTo) {
    Map<String, Object> rule = Map.of("id", "AwsSolutions-IAM5", "applies_to", appliesTo);
    return Match.objectLike(
        Map.of(
            "Metadata",
            Match.objectLike(
                Map.of(
                    "cdk_nag",
                    Match.objectLike(
                        Map.of(
                            "rules_to_suppress",
                            Match.arrayWith(List.of(Match.objectLike(rule)))))))));
  }

  // ---- preview ------------------------------------------------------------------------------

  @Test
  void aPreviewRetainsNothingAndSchedulesItsOwnTeardown() {
    StageSynth s = preview();
    assertThat(StageSynth.nagFindings(s.stack)).isEmpty();
    Template t = s.template;
    // left out, a policy is Delete
    assertThat(findAnyType(t, Map.of("DeletionPolicy", Match.not("Delete")))).isEmpty();
    assertThat(findAnyType(t, Map.of("UpdateReplacePolicy", Match.not("Delete")))).isEmpty();
    t.hasResourceProperties(
        "AWS::DynamoDB::Table", Match.objectLike(Map.of("DeletionProtectionEnabled", false)));
    t.resourceCountIs("AWS::S3::Bucket", 0);
    t.allResourcesProperties(
        "AWS::SecretsManager::Secret", Match.objectLike(Map.of("Name", Match.absent())));

    DeliverySettings.Preview expected = DeliverySettings.Preview.after(StageSynth.NOW, 24);
    t.hasResourceProperties(
        "AWS::Scheduler::Schedule",
        Match.objectLike(
            Map.of(
                "Name",
                "sandbox-broker-pr42-teardown",
                "ScheduleExpression",
                "at(" + expected.warnAt().toString().replace("Z", "") + ")",
                "Target",
                Match.objectLike(
                    Map.of(
                        "Input",
                        Match.serializedJson(
                            Match.objectLike(Map.of("deleteAt", expected.deleteAt().toString()))),
                        "Arn",
                        Map.of("Ref", Match.stringLikeRegexp("^TeardownStateMachine")))))));
    // left out, the time zone is UTC
    assertThat(
            t.findResources(
                "AWS::Scheduler::Schedule",
                withProperties(
                    Map.of(
                        "Name",
                        "sandbox-broker-pr42-teardown",
                        "ScheduleExpressionTimezone",
                        Match.not(Match.stringLikeRegexp("^(Etc/)?UTC$"))))))
        .isEmpty();
    // the teardown may delete exactly this stack, nothing else
    t.hasResourceProperties(
        "AWS::IAM::Policy",
        Templates.policyWithStatement(
            Map.of(
                "Action",
                "cloudformation:DeleteStack",
                "Resource",
                Map.of("Ref", "AWS::StackId"))));
  }

  // ---- DNS, ingress -------------------------------------------------------------------------

  @Test
  void withAHostedZoneTheCertificateIsDnsValidatedAndApiUrlIsTheHostName() {
    StageSynth s =
        StageSynth.of(
            "stage",
            "prod",
            "hostedZoneId",
            ZONE_ID,
            "hostedZoneName",
            "broker.example.org",
            "hostName",
            "api.broker.example.org");
    s.template.hasResourceProperties(
        "AWS::CertificateManager::Certificate",
        Match.objectLike(
            Map.of(
                "DomainName", "api.broker.example.org",
                "ValidationMethod", "DNS",
                "DomainValidationOptions",
                    List.of(
                        Map.of("DomainName", "api.broker.example.org", "HostedZoneId", ZONE_ID)))));
    s.template.hasResourceProperties(
        "AWS::Route53::RecordSet",
        Match.objectLike(
            Map.of(
                "Name",
                "api.broker.example.org.",
                "Type",
                "A",
                "HostedZoneId",
                ZONE_ID,
                "AliasTarget",
                Match.anyValue())));
    s.template.hasOutput("ApiUrl", Map.of("Value", "https://api.broker.example.org"));
    s.template.templateMatches(rules(Match.absent()));
    assertThat(StageSynth.nagFindings(s.stack)).isEmpty();
  }

  @Test
  void apiGatewayIngressPutsAnHttpApiWithAVpcLinkInFrontOfAnInternalAlb() {
    StageSynth s =
        StageSynth.of(
            "stage",
            "dev",
            "ingress",
            "apigateway",
            "hostedZoneId",
            ZONE_ID,
            "hostedZoneName",
            "broker.example.org");
    s.template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        Match.objectLike(Map.of("Scheme", "internal")));
    s.template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    s.template.resourceCountIs("AWS::ApiGatewayV2::VpcLink", 1);
    s.template.hasResourceProperties(
        "AWS::ApiGatewayV2::Integration",
        Match.objectLike(
            Map.of(
                "IntegrationType",
                "HTTP_PROXY",
                "ConnectionType",
                "VPC_LINK",
                "IntegrationUri",
                Map.of("Ref", Match.stringLikeRegexp("ApiLBListener.*")))));
    s.template.hasResourceProperties(
        "AWS::ApiGatewayV2::Stage",
        Match.objectLike(
            Map.of(
                "AccessLogSettings",
                Match.objectLike(Map.of("DestinationArn", Match.anyValue())),
                "DefaultRouteSettings",
                Match.objectLike(
                    Map.of("ThrottlingRateLimit", ApiGatewayIngress.RATE_LIMIT_PER_SECOND)))));
    s.template.hasResourceProperties(
        "AWS::ApiGatewayV2::DomainName",
        Match.objectLike(Map.of("DomainName", "dev.broker.example.org")));
    s.template.resourceCountIs("AWS::WAFv2::WebACL", 0);
    // the internal ALB listens on HTTP inside the VPC, not to the internet
    s.template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Match.objectLike(Map.of("Port", ApiService.INTERNAL_HTTP_PORT, "Protocol", "HTTP")));
    s.template.hasOutput("ApiUrl", Map.of("Value", "https://dev.broker.example.org"));
    assertThat(StageSynth.nagFindings(s.stack)).isEmpty();
  }

  // ---- registry and pipeline access ---------------------------------------------------------

  @Test
  void theRegistryHoldsTwoScannedImmutableRepositoriesWithLifecycleRulesPullableByEveryStage() {
    Stack registry = stage("dev").other(ImageRegistryStack.STACK_NAME);
    assertThat(registry.getAccount()).isEqualTo(Stages.DEV.account());
    Template t = Template.fromStack(registry);
    t.resourceCountIs("AWS::ECR::Repository", 2);
    for (String target :
        List.of(SandboxBrokerStack.SERVICE_IMAGE_TARGET, SandboxBrokerStack.JOBS_IMAGE_TARGET)) {
      t.hasResource(
          "AWS::ECR::Repository",
          Match.objectLike(
              Map.of(
                  "DeletionPolicy",
                  "RetainExceptOnCreate",
                  "Properties",
                  Match.objectLike(
                      Map.of(
                          "RepositoryName",
                          ImageRegistryStack.repositoryName(target),
                          "ImageScanningConfiguration",
                          Map.of("ScanOnPush", true),
                          "ImageTagMutability",
                          "IMMUTABLE",
                          "LifecyclePolicy",
                          Map.of("LifecyclePolicyText", Match.serializedJson(lifecycleRules())),
                          "RepositoryPolicyText",
                          pullableBy(Stages.TEST.account(), Stages.PROD.account()))))));
    }
  }

  /** Untagged images expire after days, and only the newest images are kept. */
  private static Matcher lifecycleRules() {
    return Match.objectLike(
        Map.of(
            "rules",
            List.of(
                Map.of(
                    "selection",
                    Map.of(
                        "tagStatus", "untagged", "countNumber", ImageRegistryStack.UNTAGGED_DAYS)),
                Map.of(
                    "selection",
                    Map.of("tagStatus", "any", "countNumber", ImageRegistryStack.KEEP_IMAGES)))));
  }

  /** A repository policy that lets these accounts (cross-account) pull. */
  private static Matcher pullableBy(String... accounts) {
    List<Object> principals = new ArrayList<>();
    for (String account : accounts) {
      principals.add(
          Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(containing(account))))));
    }
    return Match.objectLike(
        Map.of(
            "Statement",
            Match.arrayWith(
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Action",
                            Match.arrayWith(List.of("ecr:BatchGetImage")),
                            "Principal",
                            Map.of("AWS", Match.arrayWith(principals))))))));
  }

  @Test
  void theGithubDeployRoleTrustsOnlyThisRepositorysStageEnvironmentsThroughOidc() {
    Stack access = stage("prod").other("SandboxBroker-GitHubAccess-prod");
    assertThat(access.getAccount()).isEqualTo(Stages.PROD.account());
    Template t = Template.fromStack(access);
    t.hasResourceProperties(
        "AWS::IAM::OIDCProvider",
        Match.objectLike(
            Map.of(
                "Url",
                GitHubDeployAccessStack.GITHUB_OIDC_URL,
                "ClientIdList",
                List.of("sts.amazonaws.com"))));
    t.resourceCountIs("AWS::IAM::Role", 1);
    // exactly this repository's prod environment: no branch, no pull request, no other repository
    t.hasResourceProperties(
        "AWS::IAM::Role",
        Match.objectLike(
            Map.of(
                "RoleName",
                GitHubDeployAccessStack.ROLE_NAME,
                "MaxSessionDuration",
                3600,
                "AssumeRolePolicyDocument",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        List.of(
                            Match.objectLike(
                                Map.of(
                                    "Action",
                                    "sts:AssumeRoleWithWebIdentity",
                                    "Principal",
                                    Map.of(
                                        "Federated",
                                        Map.of("Ref", Match.stringLikeRegexp("GitHubOidc"))),
                                    "Condition",
                                    Map.of(
                                        "StringEquals",
                                        Map.of(
                                            "token.actions.githubusercontent.com:aud",
                                            "sts.amazonaws.com"),
                                        "StringLike",
                                        Map.of(
                                            "token.actions.githubusercontent.com:sub",
                                            List.of(
                                                "repo:your-org/sandbox-broker:environment:prod")))))))))));
    // no user, no access key anywhere: OIDC only
    t.resourceCountIs("AWS::IAM::User", 0);
    t.resourceCountIs("AWS::IAM::AccessKey", 0);
    // prod's role cannot push images (the registry lives in dev's account): searched in the whole
    // template, as the grant could come in through any kind of policy resource
    assertThat(t.toJSON().toString()).doesNotContain("ecr:PutImage");
    Template devAccess = Template.fromStack(stage("dev").other("SandboxBroker-GitHubAccess-dev"));
    devAccess.hasResourceProperties(
        "AWS::IAM::Policy",
        Templates.policyWithStatement(Map.of("Action", Match.arrayWith(List.of("ecr:PutImage")))));
    devAccess.hasResourceProperties(
        "AWS::IAM::Role",
        Match.objectLike(
            Map.of(
                "AssumeRolePolicyDocument",
                Templates.documentWithStatement(
                    Map.of(
                        "Condition",
                        Match.objectLike(
                            Map.of(
                                "StringLike",
                                Map.of(
                                    "token.actions.githubusercontent.com:sub",
                                    Match.arrayWith(
                                        List.of(containing("environment:preview")))))))))));
  }

  @Test
  void thePipelineDeploysTheScannedImagesByDigest() {
    String service = "sha256:" + "a".repeat(64);
    String jobs = "sha256:" + "b".repeat(64);
    Template t =
        StageSynth.of("stage", "test", "serviceImageDigest", service, "jobsImageDigest", jobs)
            .template;
    for (String image :
        List.of("sandbox-broker/service@" + service, "sandbox-broker/jobs-runner@" + jobs)) {
      t.hasResourceProperties(
          "AWS::ECS::TaskDefinition",
          Match.objectLike(
              Map.of(
                  "ContainerDefinitions",
                  Match.arrayWith(
                      List.of(
                          Match.objectLike(
                              Map.of(
                                  "Image",
                                  Map.of(
                                      "Fn::Join",
                                      List.of(
                                          "",
                                          Match.arrayWith(
                                              List.of(
                                                  containing(
                                                      Stages.DEV.account()
                                                          + ".dkr.ecr."
                                                          + Stages.DEV.region()),
                                                  containing(image))))))))))));
    }
    assertThatThrownBy(
            () ->
                StageSynth.of(
                    "stage", "test", "serviceImageDigest", "latest", "jobsImageDigest", jobs))
        .hasStackTraceContaining("sha256:<64 hex>");
  }
}
