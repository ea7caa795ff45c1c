package com.sandboxbroker.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A copy of this checkout as a newcomer's fresh clone would hold it, and a local Maven repository
 * that holds every third-party artifact but none of this project's own.
 *
 * <p>The copy holds the files git tracks plus untracked, not-ignored ones (so a local run tests the
 * working tree, and CI, a fresh clone, tests exactly what is committed), and no build output. The
 * repository mirrors the real one by symlinks, leaving out {@code com/sandboxbroker}: a command
 * that only works because an earlier build installed our jars fails here, as it would on a new
 * machine. Created once per test JVM; the commands run in it one after another, as a user runs the
 * README's.
 */
final class FreshClone {

  private static FreshClone instance;

  private final Path checkout;
  private final Path mavenRepository;
  private final Path logs;

  private FreshClone(Path checkout, Path mavenRepository, Path logs) {
    this.checkout = checkout;
    this.mavenRepository = mavenRepository;
    this.logs = logs;
  }

  static synchronized FreshClone get() {
    if (instance == null) {
      instance = create(projectRoot(), Path.of("target", "fresh-clone").toAbsolutePath());
    }
    return instance;
  }

  /** The project root: this module's parent directory (surefire runs in the module directory). */
  static Path projectRoot() {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("README.md")).as("project root of the acceptance module").exists();
    return root;
  }

  Path checkout() {
    return checkout;
  }

  /**
   * A command line as a user would type it, in {@code dir} of the copy, with this machine's tools.
   */
  Shell.Result run(String name, String dir, String commandLine, Duration timeout) {
    return Shell.run(
        name,
        checkout.resolve(dir),
        commandLine,
        environment(Map.of()),
        logs.resolve(name + ".log"),
        timeout);
  }

  Shell.Background start(
      String name, String dir, String commandLine, Map<String, String> extraEnv) {
    return Shell.start(
        name,
        checkout.resolve(dir),
        commandLine,
        environment(extraEnv),
        logs.resolve(name + ".log"));
  }

  private Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(System.getenv());
    // No AWS credentials, as README "Deploy" promises for synth; and no instance-metadata probing.
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    // Maven 3.8 reads no MAVEN_ARGS; a system property in MAVEN_OPTS reaches every mvn the
    // commands start, including the one cdk.json's app command runs under the CDK CLI.
    env.put("MAVEN_OPTS", "-Dmaven.repo.local=" + mavenRepository);
    env.putAll(extra);
    return env;
  }

  private static FreshClone create(Path root, Path base) {
    try {
      deleteRecursively(base);
      Path checkout = Files.createDirectories(base.resolve("checkout"));
      Path repository = Files.createDirectories(base.resolve("m2"));
      Path logs = Files.createDirectories(base.resolve("logs"));
      copyWorkingTree(root, checkout, logs);
      mirrorWithoutOurArtifacts(Path.of(System.getProperty("maven.repo.local")), repository);
      return new FreshClone(checkout, repository, logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyWorkingTree(Path root, Path checkout, Path logs) throws IOException {
    Shell.Result files =
        Shell.run(
            "git-ls-files",
            root,
            "git ls-files -z --cached --others --exclude-standard",
            System.getenv(),
            logs.resolve("git-ls-files.log"),
            Duration.ofMinutes(1));
    assertThat(files.exitCode()).as(files.describe()).isZero();
    for (String file : files.stdout().split("\0")) {
      Path source = root.resolve(file);
      // a tracked file deleted in the working tree is not part of what the user would clone
      if (file.isEmpty() || !Files.isRegularFile(source)) {
        continue;
      }
      Path target = checkout.resolve(file);
      Files.createDirectories(target.getParent());
      Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  /** Every entry of the real repository by symlink, except {@code com/sandboxbroker}. */
  private static void mirrorWithoutOurArtifacts(Path real, Path mirror) throws IOException {
    assertThat(real).as("the real local Maven repository").isDirectory();
    try (Stream<Path> top = Files.list(real)) {
      for (Path entry : (Iterable<Path>) top::iterator) {
        String name = entry.getFileName().toString();
        if (name.equals("com")) {
          Path com = Files.createDirectories(mirror.resolve("com"));
          try (Stream<Path> groups = Files.list(entry)) {
            for (Path group : (Iterable<Path>) groups::iterator) {
              if (!group.getFileName().toString().equals("sandboxbroker")) {
                Files.createSymbolicLink(com.resolve(group.getFileName().toString()), group);
              }
            }
          }
        } else {
          Files.createSymbolicLink(mirror.resolve(name), entry);
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    // symlinks are deleted, never followed: the real repository stays untouched
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
