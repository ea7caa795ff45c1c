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
 * The GitHub Actions deploy role of one account (issue #15): OIDC federation, no stored keys. A
 * workflow job gets it only from this repository and only in the GitHub environments of the stages
 * that live in this account (the environment is where prod's manual approval sits). The role can do
 * nothing itself but assume the CDK bootstrap roles (which do the deploying), push to and read the
 * scan results of the project's repositories, read stack outputs, and read the stage's track token
 * for the smoke test.
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
    OidcProviderNative provider =
        OidcProviderNative.Builder.create(this, "GitHubOidc")
            .url(GITHUB_OIDC_URL)
            .clientIds(List.of("sts.amazonaws.com"))
            .build();
    List<String> subjects = new ArrayList<>();
    for (String environment : environments) {
      subjects.add("repo:" + githubRepository + ":environment:" + environment);
    }
    this.role =
        Role.Builder.create(this, "DeployRole")
            .roleName(ROLE_NAME)
            .description(
                "Assumed by " + githubRepository + " workflows through GitHub's OIDC provider")
            .maxSessionDuration(MAX_SESSION)
            .assumedBy(
                new WebIdentityPrincipal(
                    provider.getOidcProviderArn(),
                    Map.of(
                        "StringEquals", Map.of(GITHUB_OIDC_HOST + ":aud", "sts.amazonaws.com"),
                        "StringLike", Map.of(GITHUB_OIDC_HOST + ":sub", subjects))))
            .build();
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("AssumeCdkBootstrapRoles")
            .actions(List.of("sts:AssumeRole", "sts:TagSession"))
            .resources(
                List.of(
                    "arn:aws:iam::"
                        + getAccount()
                        + ":role/cdk-hnb659fds-*-"
                        + getAccount()
                        + "-"
                        + getRegion()))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadStackOutputs")
            .actions(List.of("cloudformation:DescribeStacks"))
            .resources(
                List.of(
                    "arn:aws:cloudformation:"
                        + getRegion()
                        + ":"
                        + getAccount()
                        + ":stack/SandboxBroker-*/*"))
            .build());
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
    if (pushesImages) {
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
              .resources(
                  List.of(
                      "arn:aws:ecr:"
                          + getRegion()
                          + ":"
                          + getAccount()
                          + ":repository/sandbox-broker/*"))
              .build());
    }
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
                        "Resource::arn:aws:iam::"
                            + getAccount()
                            + ":role/cdk-hnb659fds-*-"
                            + getAccount()
                            + "-"
                            + getRegion(),
                        "Resource::arn:aws:cloudformation:"
                            + getRegion()
                            + ":"
                            + getAccount()
                            + ":stack/SandboxBroker-*/*",
                        RegexAppliesTo.builder()
                            .regex(
                                "/^Resource::arn:aws:secretsmanager:.*:secret:sandbox-broker\\/[a-z0-9-]+\\/BROKER_API_TOKEN-\\*$/g")
                            .build(),
                        "Resource::arn:aws:ecr:"
                            + getRegion()
                            + ":"
                            + getAccount()
                            + ":repository/sandbox-broker/*",
                        IamWildcards.ANY_RESOURCE))
                .build()),
        true);
    CfnOutput.Builder.create(this, "DeployRoleArn").value(role.getRoleArn()).build();
  }

  public Role role() {
    return role;
  }
}
