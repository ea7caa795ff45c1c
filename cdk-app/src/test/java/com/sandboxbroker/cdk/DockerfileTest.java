package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ecr.assets.DockerImageAsset;
import software.amazon.awscdk.services.ecr.assets.DockerImageAssetProps;
import software.amazon.awscdk.services.ecr.assets.Platform;

/**
 * The root Dockerfile: it lints clean, and each image the CDK app builds from it (by target) gets
 * the jar its module's build produces and runs it the way the task definition expects.
 */
class DockerfileTest {
  private static final Path DOCKERFILE = SynthesizedBroker.REPO_ROOT.resolve("Dockerfile");
  private static final String LINTER = "node_modules/dockerfile-utils/bin/dockerfile-utils";

  @Test
  void lintsClean() {
    NodeTool lint = NodeTool.run(Map.of(), LINTER, "lint", DOCKERFILE.toString());
    assertThat(lint.stdout() + lint.stderr()).isBlank();
    assertThat(lint.exitCode()).isZero();
  }

  /** The linter is live: it does report a broken Dockerfile (so a clean result means something). */
  @Test
  void theLinterReportsABrokenDockerfile(@TempDir Path dir) throws IOException {
    Path broken = dir.resolve("Dockerfile");
    Files.writeString(
        broken, "FROM eclipse-temurin:17-jre AS runtime\nCOPY onlyonearg\nEXPOSE notaport\n");
    NodeTool lint = NodeTool.run(Map.of(), LINTER, "lint", broken.toString());
    assertThat(lint.exitCode()).isNotZero();
    assertThat(lint.stdout() + lint.stderr()).contains("COPY");
  }

  @Test
  void theCdkAppBuildsExactlyTheServiceAndJobsRunnerTargetsForArm64() {
    SynthesizedBroker broker = SynthesizedBroker.get();
    JsonNode assets =
        SynthesizedBroker.read(broker.outdir.resolve(broker.stack.getStackName() + ".assets.json"));
    Set<String> targets = new TreeSet<>();
    assets
        .get("dockerImages")
        .forEach(
            image -> {
              JsonNode source = image.get("source");
              targets.add(source.get("dockerBuildTarget").asText());
              assertThat(source.get("dockerFile").asText()).isEqualTo("Dockerfile");
              assertThat(source.get("platform").asText()).isEqualTo("linux/arm64");
            });
    assertThat(targets)
        .containsExactlyInAnyOrder(
            SandboxBrokerStack.SERVICE_IMAGE_TARGET, SandboxBrokerStack.JOBS_IMAGE_TARGET);
    assertThat(stages().keySet()).containsAll(targets);
  }

  @ParameterizedTest
  @ValueSource(strings = {"service", "jobs-runner"})
  void eachTargetCopiesItsModulesShadedJarAndRunsItAsNonRoot(String module) {
    String version = System.getProperty("project.version");
    List<String> stage = stages().get(module);
    String jar = "/src/" + module + "/target/" + module + "-" + version + "-all.jar";
    String installed = "/app/" + module + ".jar";
    assertThat(stage).contains("COPY --from=build " + jar + " " + installed);
    String entrypoint = last(stage, "ENTRYPOINT");
    assertThat(entrypoint).contains("\"-jar\", \"" + installed + "\"");
    assertThat(last(stage, "USER")).isEqualTo("USER 10001:10001");
    // built by the build stage, which packages exactly these modules
    assertThat(String.join("\n", stages().get("build")))
        .contains("-pl service,jobs-runner")
        .contains("package");
    assertThat(stages().get("runtime").get(0))
        .matches("FROM eclipse-temurin:[0-9._]+-jre-[a-z]+@sha256:[0-9a-f]{64} AS runtime");
  }

  @Test
  void jobsRunnerEntrypointTakesTheJobNameTheStateMachinePasses() {
    // ENTRYPOINT [java … -jar /app/jobs-runner.jar] + the override's Command [<job>] = `jobs-runner
    // <job>`
    String entrypoint = last(stages().get("jobs-runner"), "ENTRYPOINT");
    assertThat(entrypoint).endsWith("\"/app/jobs-runner.jar\"]");
  }

  @Test
  void serviceImageServesConfigYmlAndHasTheSameHealthProbeAsTheTaskDefinition() {
    List<String> stage = stages().get("service");
    assertThat(last(stage, "ENTRYPOINT"))
        .endsWith("\"-jar\", \"/app/service.jar\", \"server\", \"/app/config.yml\"]");
    assertThat(stage).contains("COPY config.yml /app/config.yml");
    String healthcheck = last(stage, "HEALTHCHECK");
    // the Dockerfile escapes the backslashes of \r\n once more than the Java constant does
    assertThat(healthcheck).contains(ApiService.CONTAINER_HEALTH_COMMAND.replace("\\", "\\\\"));
    assertThat(last(stage, "EXPOSE")).contains(Integer.toString(ApiService.APP_PORT));
  }

  /** Does the module's own build produce the jar name the Dockerfile copies? */
  @ParameterizedTest
  @ValueSource(strings = {"service", "jobs-runner"})
  void theModulesShadePluginAttachesTheAllClassifier(String module) throws IOException {
    Path pom = SynthesizedBroker.REPO_ROOT.resolve(module).resolve("pom.xml");
    String text = Files.exists(pom) ? Files.readString(pom) : "";
    Assumptions.assumeTrue(
        text.contains("maven-shade-plugin"),
        module
            + "/pom.xml has no shade configuration on this branch yet; the lead's convention is"
            + " "
            + module
            + "/target/"
            + module
            + "-<version>-all.jar");
    assertThat(text).contains("<artifactId>" + module + "</artifactId>");
    assertThat(text.replaceAll("\\s", ""))
        .contains("<shadedArtifactAttached>true</shadedArtifactAttached>")
        .contains("<shadedClassifierName>all</shadedClassifierName>");
  }

  /** Issue #15: every base image and the syntax frontend pinned by digest (tag kept for humans). */
  @Test
  void everyImageAndTheSyntaxFrontendArePinnedByDigest() throws IOException {
    List<String> lines = Files.readAllLines(DOCKERFILE);
    assertThat(lines.get(0)).matches("# syntax=docker/dockerfile:[0-9.]+@sha256:[0-9a-f]{64}");
    for (List<String> stage : stages().values()) {
      String from = stage.get(0);
      String image = from.replaceAll("^FROM (--platform=\\S+ )?(\\S+).*$", "$2");
      boolean internal = stages().containsKey(image);
      if (!internal) {
        assertThat(image).as(from).matches("[a-z0-9./-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}");
      }
    }
  }

  /** Issue #15: the build stage runs natively on the builder, never under emulation. */
  @Test
  void theBuildStageRunsOnTheBuildPlatform() {
    assertThat(stages().get("build").get(0)).startsWith("FROM --platform=$BUILDPLATFORM ");
    // the images themselves stay arm64: only the jar-building stage follows the builder
    assertThat(stages().get("runtime").get(0)).doesNotContain("--platform");
  }

  /**
   * Issue #15: the image asset's fingerprint (CDK hashes the .dockerignore-filtered context) moves
   * with a source change and stays put for a docs, runbook, bench or cdk-app change, so such a
   * commit does not roll the API. Uses the real .dockerignore and Dockerfile on a small copy.
   */
  @Test
  void aDocsCommitDoesNotChangeTheImageAssetButASourceChangeDoes(@TempDir Path repo)
      throws IOException {
    Files.copy(SynthesizedBroker.REPO_ROOT.resolve(".dockerignore"), repo.resolve(".dockerignore"));
    Files.copy(DOCKERFILE, repo.resolve("Dockerfile"));
    for (String file :
        List.of(
            "pom.xml",
            "config.yml",
            "core/pom.xml",
            "core/src/main/java/A.java",
            "service/pom.xml",
            "service/src/main/java/B.java",
            "jobs-runner/pom.xml",
            "bench/pom.xml",
            "cdk-app/pom.xml",
            "README.md",
            "runbooks/x.md",
            "bench/src/main/java/C.java",
            "cdk-app/src/main/java/D.java",
            "service/src/test/java/T.java",
            "docs/decisions/0001.md")) {
      write(repo.resolve(file), "v1");
    }
    String base = assetHash(repo);
    for (String unrelated :
        List.of(
            "README.md",
            "runbooks/x.md",
            "bench/src/main/java/C.java",
            "cdk-app/src/main/java/D.java",
            "service/src/test/java/T.java",
            "docs/decisions/0001.md")) {
      write(repo.resolve(unrelated), "v2 " + unrelated);
      assertThat(assetHash(repo)).as(unrelated).isEqualTo(base);
    }
    write(repo.resolve("service/src/main/java/B.java"), "v2");
    assertThat(assetHash(repo)).isNotEqualTo(base);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static String assetHash(Path context) {
    App app = new App();
    Stack stack = new Stack(app, "Probe");
    var asset =
        new DockerImageAsset(
            stack,
            "Image",
            DockerImageAssetProps.builder()
                .directory(context.toString())
                .file("Dockerfile")
                .target(SandboxBrokerStack.SERVICE_IMAGE_TARGET)
                .platform(Platform.LINUX_ARM64)
                .build());
    return asset.getAssetHash();
  }

  /** Instructions per stage name, continuation lines joined, comments dropped. */
  private static Map<String, List<String>> stages() {
    try {
      Map<String, List<String>> stages = new LinkedHashMap<>();
      List<String> current = null;
      StringBuilder pending = new StringBuilder();
      for (String raw : Files.readAllLines(DOCKERFILE)) {
        String line = raw.strip();
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        if (line.endsWith("\\")) {
          pending.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        String instruction = (pending + line).replaceAll("\\s+", " ").strip();
        pending.setLength(0);
        if (instruction.startsWith("FROM ")) {
          String[] parts = instruction.split(" ");
          current = new ArrayList<>();
          stages.put(parts[parts.length - 1], current);
        }
        current.add(instruction);
      }
      return stages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String last(List<String> stage, String keyword) {
    String found = null;
    for (String instruction : stage) {
      if (instruction.startsWith(keyword + " ")) {
        found = instruction;
      }
    }
    assertThat(found).as(keyword).isNotNull();
    return found;
  }
}
