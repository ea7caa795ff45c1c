package com.sandboxbroker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's command line: the flags, defaults and --quick the README and acceptance rely on. */
class BenchOptionsTest {
  @TempDir Path dir;
  private Path jar;
  private Path config;

  @BeforeEach
  void files() throws IOException {
    jar = Files.writeString(dir.resolve("service.jar"), "");
    config = Files.writeString(dir.resolve("config.yml"), "");
  }

  private BenchOptions parse(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--service-jar", jar.toString()));
    all.addAll(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    return BenchOptions.parse(all.toArray(String[]::new));
  }

  @Test
  void theDefaultsAreThePerformanceStudys() throws Exception {
    BenchOptions o = parse();

    assertThat(o.out()).isEqualTo(Path.of("bench-results.json"));
    assertThat(o.serviceJvmOptions()).isEmpty();
    assertThat(o.classSizes()).containsExactly(200, 1000);
    assertThat(o.connections()).isEqualTo(64);
    assertThat(o.freshSizes()).containsExactly(200);
    assertThat(o.jobsSizes()).containsExactly(200);
    assertThat(o.sustainedClients()).isEqualTo(64);
    assertThat(o.sustainSeconds()).isEqualTo(60);
    assertThat(o.skipJobs()).isFalse();
    assertThat(o.pin()).isTrue();
    assertThat(o.quick()).isFalse();
  }

  @Test
  void everyFlagSetsItsOption() throws Exception {
    BenchOptions o =
        parse(
            "--out",
            "x.json",
            "--service-jvm-opts",
            " -Xmx1g  -XX:+UseSerialGC ",
            "--sizes",
            "50, 500",
            "--connections",
            "8",
            "--fresh-sizes",
            "",
            "--jobs-sizes",
            "20",
            "--sustain-seconds",
            "0",
            "--skip-jobs",
            "--no-pin");

    assertThat(o.out()).isEqualTo(Path.of("x.json"));
    assertThat(o.serviceJar()).isEqualTo(jar);
    assertThat(o.serviceConfig()).isEqualTo(config);
    assertThat(o.serviceJvmOptions()).containsExactly("-Xmx1g", "-XX:+UseSerialGC");
    assertThat(o.classSizes()).containsExactly(50, 500);
    assertThat(o.connections()).isEqualTo(8);
    assertThat(o.freshSizes()).isEmpty();
    assertThat(o.jobsSizes()).containsExactly(20);
    assertThat(o.sustainSeconds()).isZero();
    assertThat(o.skipJobs()).isTrue();
    assertThat(o.pin()).isFalse();
  }

  @Test
  void quickIsTheSmallSmokeRunWhateverElseIsAsked() throws Exception {
    BenchOptions o = parse("--sizes", "1000", "--fresh-sizes", "200", "--quick");

    assertThat(o.classSizes()).containsExactly(20);
    assertThat(o.freshSizes()).isEmpty();
    assertThat(o.jobsSizes()).containsExactly(20);
    assertThat(o.sustainSeconds()).isZero();
    assertThat(o.skipJobs()).isTrue();
    assertThat(o.quick()).isTrue();
  }

  @Test
  void aRepeatedFlagsLastValueWinsAsBefore() throws Exception {
    assertThat(parse("--connections", "8", "--connections", "16").connections()).isEqualTo(16);
  }

  @Test
  void helpIsRequestedWithTheGeneratedUsage() {
    assertThatThrownBy(() -> parse("--help"))
        .isInstanceOf(BenchOptions.HelpRequested.class)
        .hasMessageContaining("--sizes <n,n>")
        .hasMessageContaining("--quick");
  }

  @Test
  void aBadArgumentIsAnIllegalArgumentNamingIt() {
    assertThatThrownBy(() -> parse("--bogus"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'--bogus'")
        .hasMessageContaining("Usage:");
    assertThatThrownBy(() -> parse("--sizes", "200,x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("200,x");
    assertThatThrownBy(() -> parse("--connections", "many"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--connections");
    assertThatThrownBy(() -> parse("--connections"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--connections");
  }

  @Test
  void aMissingServiceJarSaysHowToBuildIt() {
    assertThatThrownBy(() -> parse("--service-jar", dir.resolve("none.jar").toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service jar not found")
        .hasMessageContaining("mvn -B -DskipTests package -pl bench -am");
  }
}
