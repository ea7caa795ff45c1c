package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.bench.TrackClient.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The allocation scenarios: a class starting at once, and a sustained mix. Each runs against its
 * own service process whose in-memory table was seeded at start-up with exactly the pool the
 * scenario needs (plus the warm-up's share), so no admin API or back door into the service's table
 * is needed and no scenario sees another's leftovers.
 */
final class AllocationScenarios {
  /** The sustained mix's warm-up rounds (a class start's rounds are its class size). */
  private static final int SUSTAINED_WARMUP_ROUND = 500;

  /** The longest the scenario waits for the service's JIT to go quiet before measuring. */
  private static final Duration JIT_SETTLE_MAX = Duration.ofSeconds(60);

  /** Readback and replay checks run after the timed part; enough parallelism to be quick. */
  private static final int CHECK_CLIENTS = 16;

  /** Sustained readback is sampled: all of several thousand would take longer than the run. */
  private static final int SUSTAINED_READBACK_SAMPLE = 500;

  private final BenchOptions options;
  private final Pinning pinning;
  private final Path workDir;
  private final FloorProcess floor;
  private final int warmupAllocations;
  private final int inProcessMin;
  private final String token = "bench-track-" + Long.toHexString(new Random().nextLong());
  private final Map<String, Double> floorByConcurrency = new LinkedHashMap<>();
  private double peakRssMb;

  AllocationScenarios(BenchOptions options, Pinning pinning, Path workDir, FloorProcess floor) {
    this.options = options;
    this.pinning = pinning;
    this.workDir = workDir;
    this.floor = floor;
    this.warmupAllocations = options.quick() ? WarmUp.QUICK_ALLOCATIONS : WarmUp.ALLOCATIONS;
    this.inProcessMin = options.quick() ? 200 : 2000;
  }

  Map<String, Double> floorByConcurrency() {
    return floorByConcurrency;
  }

  /** Highest VmHWM of the service over the class-start scenarios. */
  double classStartPeakRssMb() {
    return peakRssMb;
  }

  /**
   * N identities allocate at the same instant; the pool holds exactly N. They reach the service
   * through {@code connections} keep-alive connections opened beforehand (an ALB's pool to one
   * task), or, {@code fresh}, each on a new connection of its own. {@code withJobs}: sync, cleanup
   * and expiry run back to back in the service for the whole class start, and every learner replays
   * its allocation as soon as it has it (must be 200, same sandbox).
   */
  ScenarioResult classStart(String name, int n, int connections, boolean fresh, boolean withJobs)
      throws Exception {
    WarmUp.Plan plan = WarmUp.Plan.of(n, options.quick());
    Path inventory = InventoryFile.write(workDir, name, plan.pools(), n, n);
    try (BrokerProcess broker =
            BrokerProcess.start(options, pinning, workDir, name, inventory, token);
        LoadGeneratorProcess load =
            LoadGeneratorProcess.start(pinning, workDir, name, broker.base(), token)) {
      // the floor shares the service's core: the service's start-up compiles finish first
      double jitSettleSeconds = broker.awaitJitQuiet(JIT_SETTLE_MAX);
      // what the service sees at once: the pool's connections, or every learner when fresh
      int concurrency = fresh ? n : Math.min(n, connections);
      ClaimFloor.Measurement floorM = measureFloor(concurrency);
      double floorRate = floorM.claimsPerSecond();
      ClaimFloor.Measurement inProcess =
          floor.allocator(concurrency, Math.max(inProcessMin, 2 * n), warmupAllocations);
      // the warm-up comes last, so the burst follows its last round by seconds: after a minute
      // idle (the floor and the in-process allocator) caches had expired and the burst compiled
      // their refill paths
      WarmUp.Outcome warm = new WarmUp(plan, options.connections(), fresh).run(load, broker);
      jitSettleSeconds += warm.jitSettleSeconds();
      BrokerProcess.Counters before = broker.counters();
      // whatever the service still compiles after the scrape would otherwise land in the timed part
      jitSettleSeconds += broker.awaitJitQuiet(JIT_SETTLE_MAX);
      ThreadCpu serviceParts0 = broker.cpuByPart();

      List<String> identities = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        identities.add(name + "-learner-" + i);
      }
      Map<String, LongAdder> jobOutcomes = new ConcurrentHashMap<>();
      AtomicBoolean classRunning = new AtomicBoolean(true);
      List<Thread> jobs = new ArrayList<>();
      if (withJobs) {
        for (String job : new String[] {"sync", "cleanup", "auto-expire"}) {
          // one thread per job, so no run ever meets its own job's lock
          Thread t =
              new Thread(
                  () -> {
                    do {
                      try {
                        String outcome = broker.runJob(job);
                        jobOutcomes
                            .computeIfAbsent("job " + job + " " + outcome, k -> new LongAdder())
                            .increment();
                      } catch (InterruptedException e) {
                        return;
                      }
                    } while (classRunning.get());
                  },
                  "bench-job-" + job);
          t.start();
          jobs.add(t);
        }
      }
      JsonNode run;
      try {
        run =
            load.burst(
                identities,
                connections,
                fresh,
                withJobs ? "replay" : "none",
                InventoryFile.SCENARIO_POOL);
      } finally {
        classRunning.set(false);
      }
      ThreadCpu serviceParts = broker.cpuByPart();
      double serviceCpu = serviceParts.totalMillis() - serviceParts0.totalMillis();
      BrokerProcess.Counters delta = broker.counters().minus(before);
      for (Thread t : jobs) {
        t.join();
      }
      double rss = broker.peakRssMb();
      peakRssMb = Math.max(peakRssMb, rss);

      Ledger ledger = new Ledger();
      Latencies latencies = new Latencies();
      Map<String, LongAdder> outcomes = new ConcurrentHashMap<>(jobOutcomes);
      long allocated = 0;
      long lastAllocation = 0;
      long replays = 0;
      long replayMismatches = 0;
      long requests = 0;
      for (JsonNode r : run.path("records")) {
        requests++;
        String kind = r.path("kind").asText();
        int status = r.path("status").asInt();
        String code = r.path("code").asText("");
        String outcome = code.isEmpty() ? Integer.toString(status) : status + " " + code;
        String identity = r.path("identity").asText();
        String sandboxId = r.path("sandbox_id").asText("");
        if (kind.equals("replay")) {
          replays++;
          outcomes.computeIfAbsent("replay " + outcome, k -> new LongAdder()).increment();
          String expected = ledger.sandboxByIdentity().get(identity);
          if (status != 200 || !sandboxId.equals(expected)) {
            replayMismatches++;
          }
          if (status == 200 || status == 201) {
            ledger.record(identity, sandboxId);
          }
          continue;
        }
        lastAllocation = Math.max(lastAllocation, r.path("end_ns").asLong());
        latencies.add(r.path("ns").asLong());
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        if (status == 201) {
          allocated++;
          ledger.record(identity, sandboxId);
        }
      }
      double seconds = lastAllocation / 1e9;
      double loadCpu = run.path("cpu_ms").asDouble();

      // untimed checks: every learner reads its sandbox back, then replays its allocation
      TrackClient client = new TrackClient(TrackClient.newHttpClient(), broker.base(), token);
      Map<String, Long> checks =
          verify(client, ledger, Map.of(), ledger.sandboxByIdentity().size(), true);
      if (withJobs) {
        checks.put("replays_during_start", replays);
        checks.put("replays_during_start_not_200_same_sandbox", replayMismatches);
      }

      Map<String, Object> extra = extra(floorRate, allocated, outcomes, delta, seconds);
      extra.put("connections", fresh ? n : Math.min(n, connections));
      extra.put("connection_reuse", fresh ? "fresh connection per learner" : "keep-alive pool");
      extra.put("in_process_allocator_per_s", BenchMain.round(inProcess.claimsPerSecond(), 0));
      extra.put(
          "inprocess_ddb_requests_per_allocation", BenchMain.round(inProcess.requestsPerOp(), 3));
      extra.putAll(
          cpuPerAllocation(serviceCpu, inProcess.cpuMsPerOp(), allocated, loadCpu, requests));
      extra.put(
          "service_cpu_ms_per_allocation_by_part",
          serviceParts.perUnitSince(serviceParts0, allocated));
      extra.put("inprocess_cpu_ms_per_allocation_by_part", inProcess.cpuMsPerOpByPart());
      extra.put("service_jit_settle_s", BenchMain.round(jitSettleSeconds, 1));
      extra.put("service_warmup_allocations", warm.allocations());
      if (Double.isFinite(warm.lastRoundJitShare())) { // --quick has no settle rounds
        extra.put(
            "service_warmup_last_round_jit_share", BenchMain.round(warm.lastRoundJitShare(), 3));
      }
      extra.put("cpu_ms", cpu(floorM, inProcess, serviceCpu, loadCpu, requests));
      extra.put("service_peak_rss_mb", BenchMain.round(rss, 0));
      extra.put("checks", checks);
      if (withJobs) {
        extra.put(
            "jobs_during_start", "sync, cleanup, auto-expire back to back through the admin API");
      }
      ScenarioResult r =
          result(name, n, n, allocated, seconds, latencies, delta, ledger, floorRate, extra);
      return withDoubles(r, replayMismatches);
    }
  }

  /**
   * {@code clients} concurrent clients (one keep-alive connection each) for {@code seconds}: 80 %
   * new allocations, 10 % replays of a held allocation (must return the same sandbox, 200), 10 %
   * releases (mark-for-deletion). The pool is sized from the class-start throughput so it never
   * runs dry: the equivalent of a refill that keeps pace (the refill itself, sync, is measured in
   * the job scenarios); should it run dry anyway, the 409s show in the outcomes.
   */
  ScenarioResult sustained(int clients, int seconds, int pool) throws Exception {
    String name = "sustained-" + clients;
    WarmUp.Plan plan =
        WarmUp.Plan.of(Math.min(SUSTAINED_WARMUP_ROUND, warmupAllocations), options.quick());
    Path inventory = InventoryFile.write(workDir, name, plan.pools(), plan.roundSize(), pool);
    try (BrokerProcess broker =
            BrokerProcess.start(options, pinning, workDir, name, inventory, token);
        LoadGeneratorProcess load =
            LoadGeneratorProcess.start(pinning, workDir, name, broker.base(), token)) {
      broker.awaitJitQuiet(JIT_SETTLE_MAX);
      ClaimFloor.Measurement floorM = measureFloor(clients);
      double floorRate = floorM.claimsPerSecond();
      new WarmUp(plan, clients, false).run(load, broker);
      BrokerProcess.Counters before = broker.counters();
      broker.awaitJitQuiet(JIT_SETTLE_MAX);
      double serviceCpu0 = broker.cpuMillis();

      JsonNode run = load.mix(clients, seconds, name, InventoryFile.SCENARIO_POOL);

      double serviceCpu = broker.cpuMillis() - serviceCpu0;
      BrokerProcess.Counters delta = broker.counters().minus(before);
      double elapsed = run.path("wall_ns").asLong() / 1e9;
      double loadCpu = run.path("cpu_ms").asDouble();

      Ledger ledger = new Ledger();
      Map<String, String> released = new HashMap<>();
      Latencies allocations = new Latencies();
      Latencies replays = new Latencies();
      Latencies releases = new Latencies();
      Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
      long allocated = 0;
      long replayMismatches = 0;
      for (JsonNode r : run.path("records")) {
        String kind = r.path("kind").asText();
        int status = r.path("status").asInt();
        String code = r.path("code").asText("");
        String outcome = code.isEmpty() ? Integer.toString(status) : status + " " + code;
        String identity = r.path("identity").asText();
        String sandboxId = r.path("sandbox_id").asText("");
        long ns = r.path("ns").asLong();
        switch (kind) {
          case "replay" -> {
            replays.add(ns);
            outcomes.computeIfAbsent("replay " + outcome, x -> new LongAdder()).increment();
            if (status != 200 || !sandboxId.equals(ledger.sandboxByIdentity().get(identity))) {
              replayMismatches++;
            }
            if (status == 200 || status == 201) {
              ledger.record(identity, sandboxId);
            }
          }
          case "release" -> {
            releases.add(ns);
            outcomes.computeIfAbsent("release " + outcome, x -> new LongAdder()).increment();
            released.put(identity, ledger.sandboxByIdentity().get(identity));
          }
          default -> {
            allocations.add(ns);
            outcomes.computeIfAbsent(outcome, x -> new LongAdder()).increment();
            if (status == 201) {
              allocated++;
              ledger.record(identity, sandboxId);
            }
          }
        }
      }

      TrackClient client = new TrackClient(TrackClient.newHttpClient(), broker.base(), token);
      Map<String, Long> checks = verify(client, ledger, released, SUSTAINED_READBACK_SAMPLE, false);
      checks.put("replays_not_returning_same_sandbox", replayMismatches);

      Map<String, Object> extra = extra(floorRate, allocated, outcomes, delta, elapsed);
      extra.put("connections", clients);
      extra.put("connection_reuse", "keep-alive, one connection per client");
      extra.put("pool", pool);
      long ops = allocations.count() + replays.count() + releases.count();
      extra.putAll(cpuPerAllocation(serviceCpu, Double.NaN, allocated, loadCpu, ops));
      extra.put("cpu_ms", cpu(floorM, null, serviceCpu, loadCpu, ops));
      extra.put("replays", replays.count());
      extra.put("replay_p99_ms", BenchMain.round(replays.percentileMs(99), 1));
      extra.put("releases", releases.count());
      extra.put("release_p99_ms", BenchMain.round(releases.percentileMs(99), 1));
      extra.put("checks", checks);
      ScenarioResult r =
          result(
              name,
              clients,
              clients,
              allocated,
              elapsed,
              allocations,
              delta,
              ledger,
              floorRate,
              extra);
      // a replay that answers another sandbox breaks idempotency; count it with the doubles
      return withDoubles(r, replayMismatches);
    }
  }

  private static ScenarioResult withDoubles(ScenarioResult r, long more) {
    return new ScenarioResult(
        r.name(),
        r.n(),
        r.clients(),
        r.throughputPerS(),
        r.p50Ms(),
        r.p95Ms(),
        r.p99Ms(),
        r.ddbRequestsPerAllocation(),
        r.lostClaimsPerAllocation(),
        r.doubleAllocations() + more,
        r.fractionOfFloor(),
        r.extra());
  }

  /**
   * The CPU figures: the service's CPU per successful new allocation (everything the
   * process did in the timed part, embedded database included), core's Allocator's on the same kind
   * of database in a JVM pinned to the same core, their ratio, and the load generator's CPU per
   * request.
   */
  private static Map<String, Object> cpuPerAllocation(
      double serviceCpu,
      double inProcessPerAllocation,
      long allocated,
      double loadCpu,
      long requests) {
    Map<String, Object> m = new LinkedHashMap<>();
    double service = allocated == 0 ? Double.NaN : serviceCpu / allocated;
    m.put("service_cpu_ms_per_allocation", BenchMain.round(service, 3));
    m.put("inprocess_cpu_ms_per_allocation", BenchMain.round(inProcessPerAllocation, 3));
    m.put("service_to_inprocess_cpu_ratio", BenchMain.round(service / inProcessPerAllocation, 2));
    m.put("loadgen_cpu_ms_per_request", BenchMain.round(loadCpu / Math.max(1, requests), 3));
    return m;
  }

  /**
   * Warm-up allocations, then their release, so exactly the scenario's pool stays available; over
   * the class starts' keep-alive connections, so the JIT compiles the paths the class start takes.
   */
  /**
   * CPU per operation: where the time goes on a CPU-bound shared box. The floor's and the
   * in-process allocator's include their embedded database; the service's likewise (embedded), the
   * bench client's is the load generator's (its own process, on the other core).
   */
  private static Map<String, Object> cpu(
      ClaimFloor.Measurement floorM,
      ClaimFloor.Measurement inProcess,
      double serviceCpu,
      double benchCpu,
      long ops) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("floor_per_claim", BenchMain.round(floorM.cpuMsPerOp(), 2));
    if (inProcess != null) {
      m.put("in_process_allocator_per_allocation", BenchMain.round(inProcess.cpuMsPerOp(), 2));
    }
    m.put("service_per_request", BenchMain.round(serviceCpu / Math.max(1, ops), 2));
    m.put("bench_client_per_request", BenchMain.round(benchCpu / Math.max(1, ops), 2));
    return m;
  }

  private ClaimFloor.Measurement measureFloor(int concurrency) throws Exception {
    // ≥ 10 claims per thread and ≥ 3000 in all (about 2 s): long enough that start-up and the last
    // stragglers are a small part of the timed window
    ClaimFloor.Measurement m =
        floor.floor(concurrency, options.quick() ? 200 : Math.max(3000, 10 * concurrency));
    floorByConcurrency.put(Integer.toString(concurrency), BenchMain.round(m.claimsPerSecond(), 0));
    return m;
  }

  /**
   * Reads allocations back as their owners ({@code GET /v1/sandboxes/{id}}: must be theirs and
   * {@code allocated}, or {@code pending_deletion} once released) and, for a class start, replays
   * every allocation (must answer 200 with the same sandbox). Untimed.
   */
  private Map<String, Long> verify(
      TrackClient client,
      Ledger ledger,
      Map<String, String> released,
      int sample,
      boolean replayAll)
      throws Exception {
    List<Map.Entry<String, String>> entries =
        new ArrayList<>(ledger.sandboxByIdentity().entrySet());
    Collections.shuffle(entries);
    List<Map.Entry<String, String>> chosen = entries.subList(0, Math.min(sample, entries.size()));
    LongAdder readBack = new LongAdder();
    LongAdder wrongStatus = new LongAdder();
    LongAdder replayed = new LongAdder();
    LongAdder replayMismatch = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(CHECK_CLIENTS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Map.Entry<String, String> e : chosen) {
        done.add(
            pool.submit(
                () -> {
                  String identity = e.getKey();
                  String sandboxId = e.getValue();
                  Reply r = client.get(sandboxId, identity);
                  readBack.increment();
                  if (r.status() != 200 || !identity.equals(r.text("allocated_to_track"))) {
                    ledger.readbackContradiction();
                  } else {
                    String expected =
                        released.containsKey(identity) ? "pending_deletion" : "allocated";
                    if (!expected.equals(r.text("status"))) {
                      wrongStatus.increment();
                    }
                  }
                  if (replayAll) {
                    Reply again = client.allocate(identity);
                    replayed.increment();
                    if (again.status() != 200 || !sandboxId.equals(again.text("sandbox_id"))) {
                      replayMismatch.increment();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, Long> checks = new TreeMap<>();
    checks.put("read_back", readBack.sum());
    checks.put("read_back_wrong_status", wrongStatus.sum());
    if (replayAll) {
      checks.put("replayed", replayed.sum());
      checks.put("replays_not_returning_same_sandbox", replayMismatch.sum());
    }
    return checks;
  }

  private static Map<String, Object> extra(
      double floorRate,
      long allocated,
      Map<String, LongAdder> outcomes,
      BrokerProcess.Counters delta,
      double seconds) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("floor_claims_per_s", BenchMain.round(floorRate, 0));
    extra.put("allocations", allocated);
    extra.put("wall_s", BenchMain.round(seconds, 2));
    Map<String, Long> byOutcome = new TreeMap<>();
    outcomes.forEach((k, v) -> byOutcome.put(k, v.sum()));
    extra.put("outcomes", byOutcome);
    extra.put("ddb_requests", delta.requests());
    extra.put("ddb_requests_by_operation", delta.byOperation());
    extra.put("lost_claims", delta.claimsLost());
    return extra;
  }

  private static ScenarioResult result(
      String name,
      int n,
      int clients,
      long allocated,
      double seconds,
      Latencies latencies,
      BrokerProcess.Counters delta,
      Ledger ledger,
      double floorRate,
      Map<String, Object> extra) {
    double throughput = allocated / seconds;
    double perAllocation = allocated == 0 ? Double.NaN : 1.0 / allocated;
    return new ScenarioResult(
        name,
        n,
        clients,
        throughput,
        latencies.percentileMs(50),
        latencies.percentileMs(95),
        latencies.percentileMs(99),
        delta.requests() * perAllocation,
        delta.claimsLost() * perAllocation,
        ledger.doubles(),
        throughput / floorRate,
        extra);
  }
}
