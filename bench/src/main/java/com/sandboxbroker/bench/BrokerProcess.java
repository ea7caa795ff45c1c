package com.sandboxbroker.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The broker service as a separate process, started from its fat jar exactly as the README runs it,
 * in local mode (embedded DynamoDB Local, in memory so every start is a clean table), with the pool
 * imported at start-up from a generated inventory through the service's own sync path.
 */
final class BrokerProcess implements AutoCloseable {
  /**
   * Start-up includes importing the pool (one conditional PutItem per sandbox, ~1-3 ms each); a JVM
   * pinned to one core of a loaded machine took over 3 minutes to start.
   */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(10);

  /** USER_HZ: 100 on every Linux x86-64/arm64 kernel configuration in practice. */
  private static final Duration JIT_SAMPLE_INTERVAL = Duration.ofMillis(250);

  private static final int JIT_QUIET_SAMPLES = 8; // 2 s
  private static final double JIT_QUIET_MILLIS = 20; // 1 % of 2 s

  private final Process process;
  private final Path log;
  private final URI base;
  private final URI admin;
  private final String adminToken;
  private final HttpClient http =
      HttpClient.newBuilder()
          // HTTP/2's default would send h2c upgrade headers the service never sees from an ALB
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private BrokerProcess(Process process, Path log, int port, int adminPort, String adminToken) {
    this.process = process;
    this.log = log;
    this.adminToken = adminToken;
    this.base = URI.create("http://127.0.0.1:" + port);
    this.admin = URI.create("http://127.0.0.1:" + adminPort);
  }

  static BrokerProcess start(
      BenchOptions options,
      Pinning pinning,
      Path workDir,
      String name,
      Path inventory,
      String trackToken)
      throws IOException, InterruptedException {
    int port = freePort();
    int adminPort = freePort();
    // the service and its embedded database on the service core (the load generator has the other)
    List<String> command = new ArrayList<>(pinning.on(Pinning.SERVICE_CORE));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options.serviceJvmOptions());
    command.add("-Ddw.dynamoDb.mode=local");
    command.add("-Ddw.dynamoDb.local.inMemory=true");
    command.add("-Ddw.demoPool.importWhenEmpty=true");
    command.add("-Ddw.demoPool.inventory=" + inventory.toAbsolutePath());
    command.add("-Ddw.server.applicationConnectors[0].port=" + port);
    command.add("-Ddw.server.adminConnectors[0].port=" + adminPort);
    // The in-process jobs would recycle released sandboxes into the pool and re-list the whole
    // inventory every 30 s: the allocation scenarios measure allocation alone (the jobs have
    // their own scenarios; the with-jobs class start runs them on demand through the admin API).
    // ARNs empty: config.yml's ${..:-} defaults parse as null here.
    for (String job : new String[] {"sync", "cleanup", "expiry"}) {
      command.add("-Ddw.jobs." + job + "IntervalSeconds=0");
      command.add("-Ddw.jobs." + job + "StateMachineArn=");
    }
    // deployed, a Pipe reads the table's stream and no task does: the local event feed's reads
    // (every 250 ms, on the embedded database's one thread) are not part of serving allocations
    command.add("-Ddw.events.localFeed=false");
    // the pool gauges' recount (key queries per pool and status, every 30 s by default) is off the
    // request path; an hour keeps its queries out of the per-allocation request count
    command.add("-Ddw.poolGaugeRefreshSeconds=3600");
    command.add("-jar");
    command.add(options.serviceJar().toAbsolutePath().toString());
    command.add("server");
    command.add(options.serviceConfig().toAbsolutePath().toString());
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("BROKER_STORE", "local");
    env.put("BROKER_API_TOKEN", trackToken);
    String adminToken = "bench-admin-" + Long.toHexString(System.nanoTime());
    env.put("BROKER_ADMIN_TOKEN", adminToken);
    env.put("DDB_LOCAL_TELEMETRY", "0");
    BrokerProcess broker = new BrokerProcess(builder.start(), log, port, adminPort, adminToken);
    broker.awaitReady();
    return broker;
  }

  URI base() {
    return base;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Runs a job in the service now ({@code POST /v1/admin/<path>}: sync, cleanup, auto-expire); the
   * call returns when the run has finished. Returns the status code and the error code, if any.
   */
  String runJob(String path) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/v1/admin/" + path))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + adminToken)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      String code = WireResponse.field(r.body(), "\"code\":\"");
      return code == null ? Integer.toString(r.statusCode()) : r.statusCode() + " " + code;
    } catch (IOException e) {
      return "0 " + e.getClass().getSimpleName();
    }
  }

  /**
   * Cumulative counters the service exposes on its admin port, in the Prometheus text format
   * ({@code /metrics}): {@code dynamodb_requests_total}, {@code
   * dynamodb_requests_<Operation>_total} and {@code broker_allocate_conflicts_total} (lost claims).
   */
  Counters counters() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(admin.resolve("/metrics"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("admin /metrics answered " + response.statusCode());
    }
    Long total = null;
    Long lost = null;
    Map<String, Long> byOperation = new TreeMap<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, space);
      long value = (long) Double.parseDouble(line.substring(space + 1));
      if (name.equals("dynamodb_requests_total")) {
        total = value;
      } else if (name.startsWith("dynamodb_requests_") && name.endsWith("_total")) {
        byOperation.put(
            name.substring("dynamodb_requests_".length(), name.length() - "_total".length()),
            value);
      } else if (name.equals("broker_allocate_conflicts_total")) {
        lost = value;
      }
    }
    if (total == null || lost == null) {
      throw new IOException(
          "the service does not expose dynamodb_requests_total / broker_allocate_conflicts_total: is the jar current?");
    }
    return new Counters(total, byOperation, lost);
  }

  /** CPU time (user + system) the service process has used so far, in milliseconds. */
  double cpuMillis() throws IOException {
    return ThreadCpu.processMillis(process.pid());
  }

  /** The service's CPU so far by part (Jetty's request threads are dw-n): see {@link ThreadCpu}. */
  ThreadCpu cpuByPart() throws IOException {
    return ThreadCpu.of(process.pid(), "dw-");
  }

  /**
   * Waits until the service's JIT compilers have gone quiet (under 1 % of a core over the last 2 s)
   * or {@code max} has passed, and returns the seconds waited. After a warm-up C2 keeps compiling
   * what the warm-up made hot for tens of seconds; measuring meanwhile would charge that to the
   * measurement, and the floor, measured on the same core, would share the core with it.
   */
  double awaitJitQuiet(Duration max) throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    Deque<Double> window = new ArrayDeque<>();
    while (System.nanoTime() < deadline) {
      window.addLast(jitMillis());
      if (window.size() > JIT_QUIET_SAMPLES) {
        window.removeFirst();
        if (window.getLast() - window.getFirst() < JIT_QUIET_MILLIS) {
          break;
        }
      }
      Thread.sleep(JIT_SAMPLE_INTERVAL.toMillis());
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private double jitMillis() throws IOException {
    return cpuByPart().millisOf(ThreadCpu.JIT_COMPILERS);
  }

  /** Peak resident set of the service process so far (kernel high-water mark), in MiB. */
  double peakRssMb() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IOException("no VmHWM in /proc/" + process.pid() + "/status");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: Dropwizard stops Jetty and DynamoDB Local in order
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** Request counters at one moment; subtract two to get a scenario's figures. */
  record Counters(long requests, Map<String, Long> byOperation, long claimsLost) {
    Counters minus(Counters earlier) {
      Map<String, Long> ops = new TreeMap<>();
      byOperation.forEach(
          (op, n) -> {
            long d = n - earlier.byOperation.getOrDefault(op, 0L);
            if (d != 0) {
              ops.put(op, d);
            }
          });
      return new Counters(requests - earlier.requests, ops, claimsLost - earlier.claimsLost);
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest probe =
        HttpRequest.newBuilder(base.resolve("/healthz")).timeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "service exited with " + process.exitValue() + "; log: " + log + "\n" + tail());
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet (the pool import runs before Jetty starts)
      }
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new IOException(
        "service not ready within " + START_TIMEOUT + "; log: " + log + "\n" + tail());
  }

  private String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
