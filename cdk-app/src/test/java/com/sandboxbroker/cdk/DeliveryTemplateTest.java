package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.core.contract.JobName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
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
    StageSynth s = stage("prod");
    JsonNode service = only(s.resources("AWS::ECS::Service")).get("Properties");
    JsonNode deployment = service.get("DeploymentConfiguration");
    assertThat(deployment.get("Strategy").asText()).isEqualTo("BLUE_GREEN");
    assertThat(deployment.get("BakeTimeInMinutes").asInt()).isEqualTo(10);
    assertThat(deployment.get("Alarms").get("Enable").asBoolean()).isTrue();
    assertThat(deployment.get("Alarms").get("Rollback").asBoolean()).isTrue();
    // the names are Refs to the alarms of this template: resolve them to their AlarmName
    Map<String, JsonNode> alarms = s.resources("AWS::CloudWatch::Alarm");
    List<String> alarmNames = new ArrayList<>();
    deployment
        .get("Alarms")
        .get("AlarmNames")
        .forEach(
            n -> {
              JsonNode alarm = alarms.get(n.get("Ref").asText());
              assertThat(alarm).as(n.toString()).isNotNull();
              alarmNames.add(alarm.get("Properties").get("AlarmName").asText());
            });
    assertThat(alarmNames)
        .containsExactlyInAnyOrder(
            "sandbox-broker-prod-api-deploy-5xx", "sandbox-broker-prod-api-deploy-latency-p99");
    JsonNode fiveXx =
        alarms.values().stream()
            .filter(a -> a.get("Properties").get("AlarmName").asText().endsWith("-api-deploy-5xx"))
            .findFirst()
            .orElseThrow();
    assertThat(fiveXx.get("Properties").get("EvaluationPeriods").asInt()).isEqualTo(3);
    assertThat(fiveXx.get("Properties").get("DatapointsToAlarm").asInt()).isEqualTo(2);
    assertThat(fiveXx.get("Properties").get("Metrics").toString())
        .contains("HTTPCode_Target_5XX_Count")
        .contains("HTTPCode_ELB_5XX_Count");
    assertThat(deployment.get("DeploymentCircuitBreaker").get("Rollback").asBoolean()).isTrue();

    JsonNode advanced = service.get("LoadBalancers").get(0).get("AdvancedConfiguration");
    assertThat(advanced.has("AlternateTargetGroupArn")).isTrue();
    assertThat(advanced.has("ProductionListenerRule")).isTrue();
    assertThat(advanced.has("TestListenerRule")).isTrue();
    assertThat(advanced.has("RoleArn")).isTrue();
    assertThat(s.resources("AWS::ElasticLoadBalancingV2::TargetGroup")).hasSize(2);
    s.template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Match.objectLike(Map.of("Port", ApiService.TEST_PORT, "Protocol", "HTTPS")));
    // the test listener is reachable from inside the VPC only
    s.template.hasResourceProperties(
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
    for (JsonNode schedule : stage("test").resources("AWS::Scheduler::Schedule").values()) {
      assertThat(schedule.get("Properties").get("State").asText()).isEqualTo("DISABLED");
    }
    // and the alarms that would page about the schedules being off stay quiet meanwhile
    stage("test").resources("AWS::CloudWatch::Alarm").values().stream()
        .filter(
            a ->
                a.get("Properties")
                    .path("AlarmName")
                    .asText()
                    .endsWith(JobSchedulesGate.NOT_SUCCEEDED_SUFFIX))
        .forEach(a -> assertThat(a.get("Properties").get("ActionsEnabled").asBoolean()).isFalse());
    StageSynth enabled = StageSynth.of("stage", "test", "jobSchedules", "enabled");
    for (JsonNode schedule : enabled.resources("AWS::Scheduler::Schedule").values()) {
      assertThat(schedule.get("Properties").path("State").asText("ENABLED")).isEqualTo("ENABLED");
    }
  }

  @Test
  void thePlaceholderCertificateStopsTheDeployBeforeAnyResourceIsCreated() {
    // cdk.json's all-zero ARN: synth passes (offline clone), a CloudFormation rule refuses the
    // deploy
    JsonNode rules = stage("dev").json.path("Rules");
    assertThat(rules.has(ApiCertificate.PLACEHOLDER_RULE)).as(rules.toString()).isTrue();
    String assertion = rules.get(ApiCertificate.PLACEHOLDER_RULE).toString();
    assertThat(assertion).contains("Fn::Not").contains(ApiCertificate.PLACEHOLDER_ID);
    // a real ARN: no rule
    assertThat(
            StageSynth.of("stage", "dev", "certificateArn", REAL_CERT)
                .json
                .path("Rules")
                .has(ApiCertificate.PLACEHOLDER_RULE))
        .isFalse();
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

  @Test
  void aLongLivedStageRetainsItsDataExceptWhenItsFirstCreateRollsBack() {
    StageSynth s = stage("prod");
    List<String> policies = new ArrayList<>();
    s.json
        .get("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              String policy = e.getValue().path("DeletionPolicy").asText("");
              assertThat(policy).as(e.getKey()).isNotEqualTo("Retain");
              policies.add(e.getValue().path("Type").asText() + "=" + policy);
            });
    assertThat(policies)
        .contains(
            "AWS::DynamoDB::Table=RetainExceptOnCreate",
            "AWS::KMS::Key=RetainExceptOnCreate",
            "AWS::S3::Bucket=RetainExceptOnCreate");
    s.template.hasResourceProperties(
        "AWS::DynamoDB::Table", Match.objectLike(Map.of("DeletionProtectionEnabled", true)));
  }

  @Test
  void apiScalingTracksCpuOnlySoAJvmCanScaleIn() {
    List<String> metrics = new ArrayList<>();
    stage("prod")
        .resources("AWS::ApplicationAutoScaling::ScalingPolicy")
        .values()
        .forEach(
            p ->
                metrics.add(
                    p.get("Properties")
                        .get("TargetTrackingScalingPolicyConfiguration")
                        .get("PredefinedMetricSpecification")
                        .get("PredefinedMetricType")
                        .asText()));
    assertThat(metrics).containsExactly("ECSServiceAverageCPUUtilization");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "pr42"})
  void everyIam5AcknowledgementNamesTheWildcardsItCovers(String name) {
    StageSynth s = name.equals("dev") ? stage("dev") : preview();
    List<JsonNode> acknowledgements = new ArrayList<>();
    for (Stack stack : List.of(s.stack)) {
      JsonNode json = SynthesizedBroker.JSON.valueToTree(Template.fromStack(stack).toJSON());
      json.get("Resources")
          .fields()
          .forEachRemaining(
              e -> {
                for (JsonNode rule :
                    e.getValue().path("Metadata").path("cdk_nag").path("rules_to_suppress")) {
                  if (rule.get("id").asText().equals("AwsSolutions-IAM5")) {
                    acknowledgements.add(rule);
                    assertThat(rule.path("applies_to").isArray())
                        .as(e.getKey() + " " + rule)
                        .isTrue();
                    assertThat(rule.path("applies_to")).as(e.getKey()).isNotEmpty();
                  }
                }
              });
    }
    assertThat(acknowledgements).isNotEmpty();
  }

  // ---- preview ------------------------------------------------------------------------------

  @Test
  void aPreviewRetainsNothingAndSchedulesItsOwnTeardown() {
    StageSynth s = preview();
    assertThat(StageSynth.nagFindings(s.stack)).isEmpty();
    s.json
        .get("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              assertThat(e.getValue().path("DeletionPolicy").asText("Delete"))
                  .as(e.getKey())
                  .isEqualTo("Delete");
              assertThat(e.getValue().path("UpdateReplacePolicy").asText("Delete"))
                  .as(e.getKey())
                  .isEqualTo("Delete");
            });
    s.template.hasResourceProperties(
        "AWS::DynamoDB::Table", Match.objectLike(Map.of("DeletionProtectionEnabled", false)));
    s.template.resourceCountIs("AWS::S3::Bucket", 0);
    s.resources("AWS::SecretsManager::Secret")
        .values()
        .forEach(secret -> assertThat(secret.get("Properties").has("Name")).isFalse());

    DeliverySettings.Preview expected = DeliverySettings.Preview.after(StageSynth.NOW, 24);
    JsonNode teardown =
        s.resources("AWS::Scheduler::Schedule").values().stream()
            .filter(
                x ->
                    x.get("Properties").get("Name").asText().equals("sandbox-broker-pr42-teardown"))
            .findFirst()
            .orElseThrow()
            .get("Properties");
    assertThat(teardown.get("ScheduleExpression").asText())
        .isEqualTo("at(" + expected.warnAt().toString().replace("Z", "") + ")");
    assertThat(teardown.path("ScheduleExpressionTimezone").asText("UTC")).isIn("UTC", "Etc/UTC");
    assertThat(teardown.get("Target").get("Input").toString())
        .contains(expected.deleteAt().toString());
    assertThat(teardown.get("Target").get("Arn").get("Ref").asText())
        .startsWith("TeardownStateMachine");
    // the teardown may delete exactly this stack, nothing else
    String policies = s.resources("AWS::IAM::Policy").toString();
    assertThat(policies)
        .contains("cloudformation:DeleteStack")
        .contains("\"Ref\":\"AWS::StackId\"");
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
    assertThat(s.json.get("Outputs").get("ApiUrl").get("Value").asText())
        .isEqualTo("https://api.broker.example.org");
    assertThat(s.json.path("Rules").has(ApiCertificate.PLACEHOLDER_RULE)).isFalse();
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
    assertThat(s.json.get("Outputs").get("ApiUrl").get("Value").asText())
        .isEqualTo("https://dev.broker.example.org");
    assertThat(StageSynth.nagFindings(s.stack)).isEmpty();
  }

  // ---- registry and pipeline access ---------------------------------------------------------

  @Test
  void theRegistryHoldsTwoScannedImmutableRepositoriesWithLifecycleRulesPullableByEveryStage() {
    Stack registry = stage("dev").other(ImageRegistryStack.STACK_NAME);
    assertThat(registry.getAccount()).isEqualTo(Stages.DEV.account());
    Template t = Template.fromStack(registry);
    JsonNode json = SynthesizedBroker.JSON.valueToTree(t.toJSON());
    Map<String, JsonNode> repositories = StageSynth.resources(json, "AWS::ECR::Repository");
    assertThat(repositories).hasSize(2);
    List<String> names = new ArrayList<>();
    for (JsonNode repository : repositories.values()) {
      JsonNode p = repository.get("Properties");
      names.add(p.get("RepositoryName").asText());
      assertThat(p.get("ImageScanningConfiguration").get("ScanOnPush").asBoolean()).isTrue();
      assertThat(p.get("ImageTagMutability").asText()).isEqualTo("IMMUTABLE");
      JsonNode rules;
      try {
        rules =
            SynthesizedBroker.JSON
                .readTree(p.get("LifecyclePolicy").get("LifecyclePolicyText").asText())
                .get("rules");
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      assertThat(rules).hasSize(2);
      assertThat(rules.get(0).get("selection").get("tagStatus").asText()).isEqualTo("untagged");
      assertThat(rules.get(0).get("selection").get("countNumber").asInt())
          .isEqualTo(ImageRegistryStack.UNTAGGED_DAYS);
      assertThat(rules.get(1).get("selection").get("tagStatus").asText()).isEqualTo("any");
      assertThat(rules.get(1).get("selection").get("countNumber").asInt())
          .isEqualTo(ImageRegistryStack.KEEP_IMAGES);
      // test's and prod's accounts may pull (cross-account), nobody else
      String policy = p.get("RepositoryPolicyText").toString();
      assertThat(policy)
          .contains(Stages.TEST.account())
          .contains(Stages.PROD.account())
          .contains("ecr:BatchGetImage");
      assertThat(repository.path("DeletionPolicy").asText()).isEqualTo("RetainExceptOnCreate");
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            ImageRegistryStack.repositoryName(SandboxBrokerStack.SERVICE_IMAGE_TARGET),
            ImageRegistryStack.repositoryName(SandboxBrokerStack.JOBS_IMAGE_TARGET));
    String policies = t.toJSON().toString();
    assertThat(policies).contains(Stages.TEST.account()).contains(Stages.PROD.account());
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
    JsonNode role =
        only(StageSynth.resources(SynthesizedBroker.JSON.valueToTree(t.toJSON()), "AWS::IAM::Role"))
            .get("Properties");
    assertThat(role.get("RoleName").asText()).isEqualTo(GitHubDeployAccessStack.ROLE_NAME);
    assertThat(role.get("MaxSessionDuration").asInt()).isEqualTo(3600);
    JsonNode trust = role.get("AssumeRolePolicyDocument").get("Statement");
    assertThat(trust).hasSize(1);
    assertThat(trust.get(0).get("Action").asText()).isEqualTo("sts:AssumeRoleWithWebIdentity");
    assertThat(trust.get(0).get("Principal").get("Federated").toString()).contains("GitHubOidc");
    JsonNode condition = trust.get(0).get("Condition");
    assertThat(
            condition.get("StringEquals").get("token.actions.githubusercontent.com:aud").asText())
        .isEqualTo("sts.amazonaws.com");
    // exactly this repository's prod environment: no branch, no pull request, no other repository
    assertThat(
            condition.get("StringLike").get("token.actions.githubusercontent.com:sub").toString())
        .isIn(
            "\"repo:your-org/sandbox-broker:environment:prod\"",
            "[\"repo:your-org/sandbox-broker:environment:prod\"]");
    // no user, no access key anywhere: OIDC only
    t.resourceCountIs("AWS::IAM::User", 0);
    t.resourceCountIs("AWS::IAM::AccessKey", 0);
    // prod's role cannot push images (the registry lives in dev's account)
    assertThat(t.toJSON().toString()).doesNotContain("ecr:PutImage");
    String devAccess =
        Template.fromStack(stage("dev").other("SandboxBroker-GitHubAccess-dev"))
            .toJSON()
            .toString();
    assertThat(devAccess).contains("ecr:PutImage").contains("environment:preview");
  }

  @Test
  void thePipelineDeploysTheScannedImagesByDigest() {
    String service = "sha256:" + "a".repeat(64);
    String jobs = "sha256:" + "b".repeat(64);
    StageSynth s =
        StageSynth.of("stage", "test", "serviceImageDigest", service, "jobsImageDigest", jobs);
    String images = s.resources("AWS::ECS::TaskDefinition").toString();
    assertThat(images)
        .contains("sandbox-broker/service@" + service)
        .contains("sandbox-broker/jobs-runner@" + jobs)
        .contains(Stages.DEV.account() + ".dkr.ecr." + Stages.DEV.region());
    assertThatThrownBy(
            () ->
                StageSynth.of(
                    "stage", "test", "serviceImageDigest", "latest", "jobsImageDigest", jobs))
        .hasStackTraceContaining("sha256:<64 hex>");
  }

  private static JsonNode only(Map<String, JsonNode> resources) {
    assertThat(resources).hasSize(1);
    return resources.values().iterator().next();
  }
}
