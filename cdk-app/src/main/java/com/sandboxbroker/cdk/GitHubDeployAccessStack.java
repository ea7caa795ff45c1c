package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.iam.OidcProviderNative;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.WebIdentityPrincipal;
import software.constructs.Construct;

/**
 * The GitHub Actions deploy role of one account: OIDC federation, no stored keys. A workflow job
 * gets it only from this repository and only in the GitHub environments of the stages that live in
 * this account (the environment is where prod's manual approval sits). The role can do nothing
 * itself but assume the CDK bootstrap roles (which do the deploying), push to and read the scan
 * results of the project's repositories, read stack outputs, and read the stage's track token for
 * the smoke test.
 */
public final class GitHubDeployAccessStack extends Stack {
  public static final String GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
  public static final String GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

  /** The role's name, the same in every account; the workflows build its ARN from the account. */
  public static final String ROLE_NAME = "sandbox-broker-github-deploy";

  /** One hour covers the longest job (build, push, scan wait, deploy with a 10 min bake). */
  public static final Duration MAX_SESSION = Duration.hours(1);

  private final Role role;

  /**
   * @param githubRepository {@code owner/name}
   * @param environments the GitHub environments whose jobs may assume the role (the stages here,
   *     plus {@code preview} in dev's account)
   * @param pushesImages true in the registry's account: the role may push to the repositories
   */
  public GitHubDeployAccessStack(
      Construct scope,
      String id,
      Environment env,
      String githubRepository,
      List<String> environments,
      List<String> stages,
      boolean pushesImages) {
    super(
        scope,
        id,
        StackProps.builder().env(env).description("GitHub Actions OIDC deploy role").build());
    Tags.of(this).add("project", "sandbox-broker");
    this.role = deployRole(githubRepository, environments);
    allowDeploying();
    allowReadingSmokeTokens(stages);
    if (pushesImages) {
      allowPushingImages();
    }
    acknowledgeFindings();
    CfnOutput.Builder.create(this, "DeployRoleArn").value(role.getRoleArn()).build();
  }

  /** The account's GitHub OIDC provider and the role only this repository's jobs may assume. */
  private Role deployRole(String githubRepository, List<String> environments) {
    OidcProviderNative provider =
        OidcProviderNative.Builder.create(this, "GitHubOidc")
            .url(GITHUB_OIDC_URL)
            .clientIds(List.of("sts.amazonaws.com"))
            .build();
    List<String> subjects = new ArrayList<>();
    for (String environment : environments) {
      subjects.add("repo:" + githubRepository + ":environment:" + environment);
    }
    return Role.Builder.create(this, "DeployRole")
        .roleName(ROLE_NAME)
        .description("Assumed by " + githubRepository + " workflows through GitHub's OIDC provider")
        .maxSessionDuration(MAX_SESSION)
        .assumedBy(
            new WebIdentityPrincipal(
                provider.getOidcProviderArn(),
                Map.of(
                    "StringEquals", Map.of(GITHUB_OIDC_HOST + ":aud", "sts.amazonaws.com"),
                    "StringLike", Map.of(GITHUB_OIDC_HOST + ":sub", subjects))))
        .build();
  }

  /** The CDK bootstrap roles do the deploying; the pipeline reads the stacks' outputs after. */
  private void allowDeploying() {
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("AssumeCdkBootstrapRoles")
            .actions(List.of("sts:AssumeRole", "sts:TagSession"))
            .resources(List.of(bootstrapRolesArn()))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadStackOutputs")
            .actions(List.of("cloudformation:DescribeStacks"))
            .resources(List.of(stackOutputsArn()))
            .build());
  }

  /** The smoke test calls each stage's API with that stage's track token. */
  private void allowReadingSmokeTokens(List<String> stages) {
    List<String> tokens = new ArrayList<>();
    for (String stage : stages) {
      tokens.add(
          "arn:aws:secretsmanager:"
              + getRegion()
              + ":"
              + getAccount()
              + ":secret:sandbox-broker/"
              + stage
              + "/BROKER_API_TOKEN-*");
    }
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadSmokeToken")
            .actions(List.of("secretsmanager:GetSecretValue"))
            .resources(tokens)
            .build());
  }

  /** In the registry's account: push the images and read their scan results. */
  private void allowPushingImages() {
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("EcrLogin")
            .actions(List.of("ecr:GetAuthorizationToken"))
            .resources(List.of("*"))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("PushAndScanResults")
            .actions(
                List.of(
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:CompleteLayerUpload",
                    "ecr:DescribeImages",
                    "ecr:DescribeImageScanFindings",
                    "ecr:InitiateLayerUpload",
                    "ecr:PutImage",
                    "ecr:UploadLayerPart"))
            .resources(List.of(repositoriesArn()))
            .build());
  }

  private void acknowledgeFindings() {
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "The CDK bootstrap roles are matched by their documented name pattern"
                        + " (cdk-hnb659fds-<kind>-<account>-<region>); stack outputs of this project's"
                        + " SandboxBroker-* stacks; secrets carry a random suffix; the project's two"
                        + " repositories; ecr:GetAuthorizationToken has no resource-level permission.")
                .appliesTo(
                    List.of(
                        "Resource::" + bootstrapRolesArn(),
                        "Resource::" + stackOutputsArn(),
                        RegexAppliesTo.builder()
                            .regex(
                                "/^Resource::arn:aws:secretsmanager:.*:secret:sandbox-broker\\/[a-z0-9-]+\\/BROKER_API_TOKEN-\\*$/g")
                            .build(),
                        "Resource::" + repositoriesArn(),
                        IamWildcards.ANY_RESOURCE))
                .build()),
        true);
  }

  /**
   * The CDK bootstrap roles by their documented name pattern,
   * cdk-hnb659fds-<kind>-<account>-<region>.
   */
  private String bootstrapRolesArn() {
    return "arn:aws:iam::"
        + getAccount()
        + ":role/cdk-hnb659fds-*-"
        + getAccount()
        + "-"
        + getRegion();
  }

  private String stackOutputsArn() {
    return "arn:aws:cloudformation:"
        + getRegion()
        + ":"
        + getAccount()
        + ":stack/SandboxBroker-*/*";
  }

  private String repositoriesArn() {
    return "arn:aws:ecr:" + getRegion() + ":" + getAccount() + ":repository/sandbox-broker/*";
  }

  public Role role() {
    return role;
  }
}
