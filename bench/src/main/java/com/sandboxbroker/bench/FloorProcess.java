package com.sandboxbroker.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The floor ({@link ClaimFloor}) and the in-process allocator ({@link InProcessAllocator}) in a JVM
 * of their own, pinned to the service's core, so that they are measured on exactly the CPU the
 * service gets and with the same JVM ergonomics (a 1-CPU JVM). Commands on stdin, one JSON answer
 * per line on stdout: {@code floor <concurrency> <claims>}, {@code allocator <concurrency>
 * <allocations> <round size> <rounds> <settle rounds>} (the service's warm-up plan, then one class
 * start), and for a scenario's repeated class starts {@code prepare <concurrency> <allocations>
 * <repeats> <round size> <rounds> <settle rounds>} then {@code class-start <repeat>} for each.
 */
final class FloorProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Writer commands;
  private final BufferedReader answers;

  private FloorProcess(Process process) {
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The child's main: a command loop around one {@link ClaimFloor}. */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    ClaimFloor floor = new ClaimFloor();
    InProcessAllocator allocator = new InProcessAllocator();
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split("\\s+");
      int[] w = Arrays.stream(words).skip(1).mapToInt(Integer::parseInt).toArray();
      ClaimFloor.Measurement m =
          switch (words[0]) {
            case "allocator" -> allocator.measure(w[0], w[1], new WarmUp.Plan(w[2], w[3], w[4]));
            case "prepare" ->
                new ClaimFloor.Measurement(
                    w[0],
                    0,
                    0,
                    0,
                    0,
                    Map.of(),
                    allocator.prepare(w[0], w[1], w[2], new WarmUp.Plan(w[3], w[4], w[5])));
            case "class-start" -> allocator.classStart(w[0]);
            default -> floor.measure(w[0], w[1]);
          };
      out.println(
          JSON.writeValueAsString(
              Map.of(
                  "concurrency", m.concurrency(),
                  "claims_per_s", m.claimsPerSecond(),
                  "cpu_ms_per_op", m.cpuMsPerOp(),
                  "count", m.claims(),
                  "requests_per_op", m.requestsPerOp(),
                  "cpu_ms_per_op_by_part", m.cpuMsPerOpByPart(),
                  "warmup_allocations", m.warmupAllocations())));
    }
    System.exit(0); // embedded DynamoDB Local leaves non-daemon threads behind
  }

  static FloorProcess start(Pinning pinning, Path workDir) throws IOException {
    List<String> command = new ArrayList<>(pinning.on(Pinning.SERVICE_CORE));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FloorProcess.class.getName());
    ProcessBuilder b =
        new ProcessBuilder(command).redirectError(workDir.resolve("floor.log").toFile());
    b.environment().put("DDB_LOCAL_TELEMETRY", "0");
    return new FloorProcess(b.start());
  }

  /** Raw conditional claims at {@code concurrency}; see {@link ClaimFloor#measure}. */
  ClaimFloor.Measurement floor(int concurrency, int claims) throws IOException {
    return ask("floor", concurrency, claims);
  }

  /** Core's Allocator after the service's warm-up {@code plan}; see {@link InProcessAllocator}. */
  ClaimFloor.Measurement allocator(int concurrency, int allocations, WarmUp.Plan plan)
      throws IOException {
    return ask(
        "allocator",
        concurrency,
        allocations,
        plan.roundSize(),
        plan.rounds(),
        plan.settleRounds());
  }

  /**
   * Prepares the in-process allocator for a scenario's class starts: its own database with the
   * service's inventory ({@code repeats} scenario pools) and warm-up {@code plan}; returns the
   * warm-up's allocations. See {@link InProcessAllocator#prepare}.
   */
  int prepareAllocator(int concurrency, int scenarioSize, int repeats, WarmUp.Plan plan)
      throws IOException {
    return ask(
            "prepare",
            concurrency,
            scenarioSize,
            repeats,
            plan.roundSize(),
            plan.rounds(),
            plan.settleRounds())
        .warmupAllocations();
  }

  /** The prepared allocator's class start on scenario pool {@code repeat}. */
  ClaimFloor.Measurement allocatorClassStart(int repeat) throws IOException {
    return ask("class-start", repeat);
  }

  private synchronized ClaimFloor.Measurement ask(String what, int... numbers) throws IOException {
    StringBuilder command = new StringBuilder(what);
    for (int n : numbers) {
      command.append(' ').append(n);
    }
    commands.write(command + "\n");
    commands.flush();
    String line;
    do { // skip anything a library printed on stdout
      line = answers.readLine();
      if (line == null) {
        throw new IOException("the floor process died (see floor.log in the work dir)");
      }
    } while (!line.startsWith("{"));
    JsonNode a = JSON.readTree(line);
    return new ClaimFloor.Measurement(
        a.path("concurrency").asInt(),
        a.path("count").asInt(),
        a.path("claims_per_s").asDouble(),
        a.path("cpu_ms_per_op").asDouble(),
        a.path("requests_per_op").asDouble(),
        JSON.convertValue(
            a.path("cpu_ms_per_op_by_part"), new TypeReference<Map<String, Object>>() {}),
        a.path("warmup_allocations").asInt());
  }

  @Override
  public void close() throws InterruptedException {
    try {
      commands.close();
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
