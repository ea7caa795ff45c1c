package com.sandboxbroker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the README's Performance command, {@code --quick}, exactly as a reader would (from the
 * repository root, on the packaged jars), so the command and the harness cannot rot (issue 10).
 * The figures of a quick run mean nothing; what it proves is that every path still works end to
 * end — service and load-generator processes, the pinned floor process, replays, the admin job
 * runs — and that the JSON keeps its fields. Runs in the integration-test phase (failsafe), after
 * the bench jar is packaged.
 */
class BenchCommandIT {
  /** The fields the results had before issue 17 (names unchanged) plus the new ones. */
  private static final List<String> TOP_LEVEL =
      List.of("floor_claims_per_s", "floor_claims_per_s_by_concurrency", "scenarios", "sync", "cleanup",
          "service_peak_rss_mb", "started_at", "duration_s", "machine", "notes", "pinning");
  private static final List<String> SCENARIO =
      List.of("name", "n", "clients", "throughput_per_s", "p50_ms", "p95_ms", "p99_ms",
          "ddb_requests_per_allocation", "lost_claims_per_allocation", "double_allocations", "fraction_of_floor",
          "floor_claims_per_s", "allocations", "wall_s", "outcomes", "ddb_requests", "ddb_requests_by_operation",
          "lost_claims", "in_process_allocator_per_s", "cpu_ms", "service_peak_rss_mb", "checks",
          "connections", "service_cpu_ms_per_allocation", "inprocess_cpu_ms_per_allocation",
          "service_to_inprocess_cpu_ratio", "loadgen_cpu_ms_per_request");

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void theReadmeCommandRunsEveryScenarioKindAndWritesTheResults() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent(); // surefire/failsafe run in bench/
    Path out = Files.createTempFile("bench-quick-", ".json");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-jar", "bench/target/bench-1.0.0-SNAPSHOT-all.jar", "--quick", "--out", out.toString()));
    Path log = Files.createTempFile("bench-quick-", ".log");
    Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(14, TimeUnit.MINUTES)).as("finished; output in %s", log).isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", Files.readString(log)).isZero();

    JsonNode results = new ObjectMapper().readTree(out.toFile());
    assertThat(fieldNames(results)).containsAll(TOP_LEVEL);
    Map<String, JsonNode> byName = new java.util.HashMap<>();
    results.path("scenarios").forEach(s -> byName.put(s.path("name").asText(), s));
    assertThat(byName).containsKeys("class-start-20", "class-start-20-with-jobs");

    JsonNode classStart = byName.get("class-start-20");
    assertThat(fieldNames(classStart)).containsAll(SCENARIO);
    assertThat(classStart.path("double_allocations").asLong()).isZero();
    assertThat(classStart.path("outcomes").path("201").asInt()).isEqualTo(20);
    assertThat(classStart.path("checks").path("replays_not_returning_same_sandbox").asLong()).isZero();
    assertThat(classStart.path("service_cpu_ms_per_allocation").asDouble()).isPositive();
    assertThat(classStart.path("inprocess_cpu_ms_per_allocation").asDouble()).isPositive();

    JsonNode withJobs = byName.get("class-start-20-with-jobs");
    assertThat(withJobs.path("double_allocations").asLong()).isZero();
    assertThat(withJobs.path("outcomes").path("201").asInt()).isEqualTo(20);
    assertThat(withJobs.path("outcomes").path("replay 200").asInt()).isEqualTo(20);
    assertThat(fieldNames(withJobs.path("outcomes"))).noneMatch(k -> k.startsWith("409") || k.contains(" 409"));
    assertThat(fieldNames(withJobs.path("outcomes"))).anyMatch(k -> k.startsWith("job sync 200"));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
