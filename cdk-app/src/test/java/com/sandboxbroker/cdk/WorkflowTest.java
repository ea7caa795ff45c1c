package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GitHub Actions workflows: each passes action-validator (installed by the build from
 * cdk-app/package-lock.json), and the delivery rules hold: OIDC only, one concurrency group per
 * stage, dev → test → prod on the same digests, prod behind its environment, previews torn down.
 */
class WorkflowTest {
  static final Path WORKFLOWS = SynthesizedBroker.REPO_ROOT.resolve(".github/workflows");
  private static final String VALIDATOR = "node_modules/@action-validator/cli/cli.mjs";

  static Stream<Path> workflows() throws IOException {
    try (Stream<Path> files = Files.list(WORKFLOWS)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("workflows")
  void passesActionValidator(Path workflow) {
    NodeTool run = NodeTool.run(Map.of(), validator(), workflow.toString());
    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
  }

  /** The validator is live: it rejects a workflow with an unknown key and a job without steps. */
  @Test
  void theValidatorRejectsABrokenWorkflow(@TempDir Path dir) throws IOException {
    Path broken = dir.resolve("broken.yml");
    Files.writeString(
        broken, "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n");
    NodeTool run = NodeTool.run(Map.of(), validator(), broken.toString());
    assertThat(run.exitCode()).isNotZero();
  }

  @Test
  void noStoredAwsKeysAnywhere() throws IOException {
    for (Path workflow : workflows().toList()) {
      String text = Files.readString(workflow);
      assertThat(text)
          .as(workflow.toString())
          .doesNotContain("aws-access-key-id")
          .doesNotContain("AWS_SECRET_ACCESS_KEY");
      if (text.contains("configure-aws-credentials")) {
        assertThat(text)
            .as(workflow.toString())
            .contains("role-to-assume: arn:aws:iam::")
            .contains("id-token: write")
            .contains(":role/" + GitHubDeployAccessStack.ROLE_NAME);
      }
    }
  }

  @Test
  void mainBuildsOnceOnArm64GatesOnTheScanThenDeploysDevTestProdInOrder() throws IOException {
    String delivery = Files.readString(WORKFLOWS.resolve("delivery.yml"));
    assertThat(delivery)
        .contains("branches: [main]")
        .contains("runs-on: ubuntu-24.04-arm")
        .contains("--platform linux/arm64")
        .contains("aws ecr wait image-scan-complete")
        .contains("describe-image-scan-findings");
    int dev = delivery.indexOf("\n  dev:"),
        test = delivery.indexOf("\n  test:"),
        prod = delivery.indexOf("\n  prod:");
    assertThat(dev).isPositive().isLessThan(test);
    assertThat(test).isLessThan(prod);
    assertThat(delivery.substring(test, prod)).contains("needs: [images, dev]");
    assertThat(delivery.substring(prod)).contains("needs: [images, test]").contains("stage: prod");
    // every stage deploys the digests the images job pushed, never a rebuild
    assertThat(
            delivery.split(
                "service-image-digest: \\$\\{\\{ needs.images.outputs.service-digest }}", -1))
        .hasSize(4);
  }

  @Test
  void eachStageDeploysInItsOwnEnvironmentAndConcurrencyGroupAndIsSmokeTested() throws IOException {
    String deploy = Files.readString(WORKFLOWS.resolve("deploy-stage.yml"));
    assertThat(deploy)
        .contains("environment: ${{ inputs.environment || inputs.stage }}")
        .contains("group: deploy-${{ inputs.stage }}")
        .contains("cancel-in-progress: false")
        .contains(".github/scripts/deploy-stage.sh")
        .contains(".github/scripts/smoke.sh");
    String smoke =
        Files.readString(SynthesizedBroker.REPO_ROOT.resolve(".github/scripts/smoke.sh"));
    assertThat(smoke).contains("/readyz").contains("/v1/allocate").contains("mark-for-deletion");
  }

  @Test
  void pullRequestsVerifySynthEveryStageDiffAndPreviewsAreDeletedOnClose() throws IOException {
    String pr = Files.readString(WORKFLOWS.resolve("pull-request.yml"));
    assertThat(pr)
        .contains("mvn -B verify")
        .contains("cdk synth")
        .contains("cdk diff")
        .contains("-c stage=dev")
        .contains("-c stage=test")
        .contains("-c stage=prod")
        .contains("ephemeralHours")
        .contains("ingress=apigateway");
    String closed = Files.readString(WORKFLOWS.resolve("pull-request-closed.yml"));
    assertThat(closed)
        .contains("types: [closed]")
        .contains("cdk destroy")
        .contains("pr${{ github.event.pull_request.number }}");
  }

  private static String validator() {
    return List.of(VALIDATOR).get(0);
  }
}
