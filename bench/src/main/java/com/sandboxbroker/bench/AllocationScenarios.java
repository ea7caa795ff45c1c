package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

  /** Sustained readback is sampled: all of several thousand would take longer than the run. */
  private static final int SUSTAINED_READBACK_SAMPLE = 500;

  private final BenchOptions options;
  private final Pinning pinning;
  private final Path workDir;
  private final FloorProcess floor;
  private final int warmupAllocations;
  private final String token = "bench-track-" + Long.toHexString(new Random().nextLong());
  private final Map<String, Double> floorByConcurrency = new LinkedHashMap<>();
  private double peakRssMb;

  AllocationScenarios(BenchOptions options, Pinning pinning, Path workDir, FloorProcess floor) {
    this.options = options;
    this.pinning = pinning;
    this.workDir = workDir;
    this.floor = floor;
    this.warmupAllocations = options.quick() ? WarmUp.QUICK_ALLOCATIONS : WarmUp.ALLOCATIONS;
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
    // with jobs, the jobs are part of what the class start measures: it runs once
    int classStarts =
        withJobs
            ? 1
            : options.quick() ? CpuComparison.QUICK_CLASS_STARTS : CpuComparison.CLASS_STARTS;
    Path inventory = InventoryFile.write(workDir, name, plan.pools(), n, n, classStarts);
    try (BrokerProcess broker =
            BrokerProcess.start(options, pinning, workDir, name, inventory, token);
        LoadGeneratorProcess load =
            LoadGeneratorProcess.start(pinning, workDir, name, broker.base(), token)) {
      ClassStart start = new ClassStart(name, n, connections, fresh, withJobs);
      ClassStartRun run = start.measure(plan, classStarts, broker, load);
      BurstRecords records = run.records();

      // untimed checks: every learner reads its sandbox back, then replays its allocation
      TrackClient client = new TrackClient(TrackClient.newHttpClient(), broker.base(), token);
      Map<String, Long> checks =
          new ReadbackChecks(client, records.ledger, Map.of(), true)
              .run(records.ledger.sandboxByIdentity().size());
      if (withJobs) {
        checks.put("replays_during_start", records.replays);
        checks.put("replays_during_start_not_200_same_sandbox", records.replayMismatches);
      }
      return start.result(run, records, checks);
    }
  }

  /** What a class start measured while the service ran. */
  private record ClassStartRun(
      ClaimFloor.Measurement floor,
      int inProcessWarmup,
      CpuComparison cpu,
      WarmUp.Outcome warm,
      double jitSettleSeconds,
      double serviceCpu,
      BrokerProcess.Counters delta,
      double rssMb,
      JsonNode burst,
      BurstRecords records,
      Map<String, Long> jobsWarmup) {}

  /** One class start's parameters, its timed part and its figures. */
  private final class ClassStart {
    private final String name;
    private final int n;
    private final int connections;
    private final boolean fresh;
    private final boolean withJobs;

    ClassStart(String name, int n, int connections, boolean fresh, boolean withJobs) {
      this.name = name;
      this.n = n;
      this.connections = connections;
      this.fresh = fresh;
      this.withJobs = withJobs;
    }

    /** What the service sees at once: the pool's connections, or every learner when fresh. */
    int concurrency() {
      return fresh ? n : Math.min(n, connections);
    }

    ClassStartRun measure(
        WarmUp.Plan plan, int classStarts, BrokerProcess broker, LoadGeneratorProcess load)
        throws Exception {
      // the floor shares the service's core: the service's start-up compiles finish first
      double jitSettleSeconds = broker.awaitJitQuiet(JIT_SETTLE_MAX);
      ClaimFloor.Measurement floorM = measureFloor(concurrency());
      // the same class starts in-process (N learners, a pool of exactly N each, the same
      // concurrency) on a database given the service's inventory and warm-up history; each runs
      // right after the service's (CpuComparison)
      int inProcessWarmup = floor.prepareAllocator(concurrency(), n, classStarts, plan);
      // the warm-up comes last, so the burst follows its last round by seconds: after a minute
      // idle (the floor and the in-process allocator) caches had expired and the burst compiled
      // their refill paths
      WarmUp.Outcome warm = new WarmUp(plan, options.connections(), fresh).run(load, broker);
      jitSettleSeconds += warm.jitSettleSeconds();
      Map<String, Long> jobsWarmup = withJobs ? JobsDuringStart.warmUp(broker) : Map.of();
      BrokerProcess.Counters before = broker.counters();
      // whatever the service still compiles after the scrape would otherwise land in the timed part
      jitSettleSeconds += broker.awaitJitQuiet(JIT_SETTLE_MAX);
      ThreadCpu serviceParts0 = broker.cpuByPart();
      JobsDuringStart jobs = JobsDuringStart.start(broker, withJobs);
      JsonNode run;
      try {
        run =
            load.burst(
                learners(0),
                connections,
                fresh,
                withJobs ? "replay" : "none",
                InventoryFile.SCENARIO_POOL);
      } finally {
        jobs.classOver();
      }
      ThreadCpu serviceParts = broker.cpuByPart();
      BrokerProcess.Counters delta = broker.counters().minus(before);
      // the jobs' last run ends first: on this core it would land in the in-process figure
      BurstRecords records = new BurstRecords(run, jobs.join());
      ClaimFloor.Measurement inProcess = floor.allocatorClassStart(0);
      double serviceCpu = serviceParts.totalMillis() - serviceParts0.totalMillis();
      CpuComparison cpu = new CpuComparison();
      cpu.add(
          new CpuComparison.Pair(
              serviceCpu,
              records.allocated,
              serviceParts.perUnitSince(serviceParts0, records.allocated),
              inProcess));
      repeat(cpu, classStarts, broker, load);
      double rss = broker.peakRssMb();
      peakRssMb = Math.max(peakRssMb, rss);
      return new ClassStartRun(
          floorM,
          inProcessWarmup,
          cpu,
          warm,
          jitSettleSeconds,
          serviceCpu,
          delta,
          rss,
          run,
          records,
          jobsWarmup);
    }

    /** Class starts 1 and up, for the CPU figures' medians. */
    private void repeat(
        CpuComparison cpu, int classStarts, BrokerProcess broker, LoadGeneratorProcess load)
        throws Exception {
      for (int r = 1; r < classStarts; r++) {
        cpu.repeat(r, learners(r), connections, fresh, broker, load, floor, JIT_SETTLE_MAX);
      }
    }

    /** The identities of class start {@code repeat}: new learners each time. */
    private List<String> learners(int repeat) {
      List<String> identities = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        identities.add(name + (repeat == 0 ? "" : "-r" + repeat) + "-learner-" + i);
      }
      return identities;
    }

    ScenarioResult result(ClassStartRun run, BurstRecords records, Map<String, Long> checks) {
      double floorRate = run.floor().claimsPerSecond();
      double seconds = records.lastAllocation / 1e9;
      double loadCpu = run.burst().path("cpu_ms").asDouble();
      long allocated = records.allocated;
      CpuComparison cpu = run.cpu();
      ClaimFloor.Measurement inProcess = cpu.firstInProcess();
      cpu.repeatOutcomes()
          .forEach((k, v) -> records.outcomes.computeIfAbsent(k, x -> new LongAdder()).add(v));
      Map<String, Object> extra =
          ScenarioFigures.extra(floorRate, allocated, records.outcomes, run.delta(), seconds);
      extra.put("connections", concurrency());
      extra.put("connection_reuse", fresh ? "fresh connection per learner" : "keep-alive pool");
      extra.put("in_process_allocator_per_s", BenchMain.round(inProcess.claimsPerSecond(), 0));
      extra.put(
          "inprocess_ddb_requests_per_allocation", BenchMain.round(inProcess.requestsPerOp(), 3));
      extra.putAll(
          ScenarioFigures.cpuPerAllocation(
              cpu.servicePerAllocation(), cpu.inProcessPerAllocation(), loadCpu, records.requests));
      extra.putAll(cpu.fields());
      extra.put("service_cpu_ms_per_allocation_by_part", cpu.serviceByPart());
      extra.put("inprocess_cpu_ms_per_allocation_by_part", cpu.inProcessByPart());
      extra.put("service_jit_settle_s", BenchMain.round(run.jitSettleSeconds(), 1));
      extra.put("service_warmup_allocations", run.warm().allocations());
      extra.put("inprocess_warmup_allocations", run.inProcessWarmup());
      double lastRoundJitShare = run.warm().lastRoundJitShare();
      if (Double.isFinite(lastRoundJitShare)) { // --quick has no settle rounds
        extra.put("service_warmup_last_round_jit_share", BenchMain.round(lastRoundJitShare, 3));
      }
      extra.put(
          "cpu_ms",
          ScenarioFigures.cpu(
              run.floor(),
              cpu.inProcessPerAllocation(),
              run.serviceCpu(),
              loadCpu,
              records.requests));
      extra.put("service_peak_rss_mb", BenchMain.round(run.rssMb(), 0));
      extra.put("checks", checks);
      if (withJobs) {
        extra.put(
            "jobs_during_start", "sync, cleanup, auto-expire back to back through the admin API");
        extra.put("jobs_warmup_outcomes", run.jobsWarmup());
      }
      ScenarioResult r =
          ScenarioFigures.result(
              name,
              n,
              n,
              allocated,
              seconds,
              records.latencies,
              run.delta(),
              records.ledger,
              floorRate,
              extra);
      return ScenarioFigures.withDoubles(r, records.replayMismatches + cpu.repeatDoubles());
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
      MixRecords records = new MixRecords(run);

      TrackClient client = new TrackClient(TrackClient.newHttpClient(), broker.base(), token);
      Map<String, Long> checks =
          new ReadbackChecks(client, records.ledger, records.released, false)
              .run(SUSTAINED_READBACK_SAMPLE);
      checks.put("replays_not_returning_same_sandbox", records.replayMismatches);

      Map<String, Object> extra =
          sustainedExtra(
              clients, pool, records, floorM, delta, elapsed, serviceCpu, loadCpu, checks);
      ScenarioResult r =
          ScenarioFigures.result(
              name,
              clients,
              clients,
              records.allocated,
              elapsed,
              records.allocations,
              delta,
              records.ledger,
              floorRate,
              extra);
      // a replay that answers another sandbox breaks idempotency; count it with the doubles
      return ScenarioFigures.withDoubles(r, records.replayMismatches);
    }
  }

  /** The sustained mix's figures beyond the issue's: per kind of operation, CPU, checks. */
  private static Map<String, Object> sustainedExtra(
      int clients,
      int pool,
      MixRecords records,
      ClaimFloor.Measurement floorM,
      BrokerProcess.Counters delta,
      double elapsed,
      double serviceCpu,
      double loadCpu,
      Map<String, Long> checks) {
    double floorRate = floorM.claimsPerSecond();
    long allocated = records.allocated;
    Map<String, Object> extra =
        ScenarioFigures.extra(floorRate, allocated, records.outcomes, delta, elapsed);
    extra.put("connections", clients);
    extra.put("connection_reuse", "keep-alive, one connection per client");
    extra.put("pool", pool);
    long ops = records.operations();
    double servicePerAllocation = allocated == 0 ? Double.NaN : serviceCpu / allocated;
    extra.putAll(ScenarioFigures.cpuPerAllocation(servicePerAllocation, Double.NaN, loadCpu, ops));
    extra.put("cpu_ms", ScenarioFigures.cpu(floorM, Double.NaN, serviceCpu, loadCpu, ops));
    extra.put("replays", records.replays.count());
    extra.put("replay_p99_ms", BenchMain.round(records.replays.percentileMs(99), 1));
    extra.put("releases", records.releases.count());
    extra.put("release_p99_ms", BenchMain.round(records.releases.percentileMs(99), 1));
    extra.put("checks", checks);
    return extra;
  }

  private ClaimFloor.Measurement measureFloor(int concurrency) throws Exception {
    // ≥ 10 claims per thread and ≥ 3000 in all (about 2 s): long enough that start-up and the last
    // stragglers are a small part of the timed window
    ClaimFloor.Measurement m =
        floor.floor(concurrency, options.quick() ? 200 : Math.max(3000, 10 * concurrency));
    floorByConcurrency.put(Integer.toString(concurrency), BenchMain.round(m.claimsPerSecond(), 0));
    return m;
  }
}
