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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The floor and the in-process allocator ({@link ClaimFloor}) in a JVM of their own, pinned to the
 * service's core, so that they are measured on exactly the CPU the service gets and with the same
 * JVM ergonomics (a 1-CPU JVM). Commands on stdin, one JSON answer per line on stdout: {@code floor
 * <concurrency> <claims> 0} and {@code allocator <concurrency> <allocations> <warm-up>}.
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
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.trim().split("\\s+");
      if (w.length != 4) {
        continue;
      }
      int concurrency = Integer.parseInt(w[1]);
      int count = Integer.parseInt(w[2]);
      int warmup = Integer.parseInt(w[3]);
      ClaimFloor.Measurement m =
          w[0].equals("allocator")
              ? floor.measureAllocator(concurrency, count, warmup)
              : floor.measure(concurrency, count);
      out.println(
          JSON.writeValueAsString(
              Map.of(
                  "claims_per_s", m.claimsPerSecond(),
                  "cpu_ms_per_op", m.cpuMsPerOp(),
                  "count", m.claims(),
                  "requests_per_op", m.requestsPerOp(),
                  "cpu_ms_per_op_by_part", m.cpuMsPerOpByPart())));
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
    return ask("floor", concurrency, claims, 0);
  }

  /** Core's Allocator on the same kind of database; see {@link ClaimFloor#measureAllocator}. */
  ClaimFloor.Measurement allocator(int concurrency, int allocations, int warmup)
      throws IOException {
    return ask("allocator", concurrency, allocations, warmup);
  }

  private synchronized ClaimFloor.Measurement ask(
      String what, int concurrency, int count, int warmup) throws IOException {
    commands.write(what + " " + concurrency + " " + count + " " + warmup + "\n");
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
        concurrency,
        a.path("count").asInt(),
        a.path("claims_per_s").asDouble(),
        a.path("cpu_ms_per_op").asDouble(),
        a.path("requests_per_op").asDouble(),
        JSON.convertValue(
            a.path("cpu_ms_per_op_by_part"), new TypeReference<Map<String, Object>>() {}));
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
