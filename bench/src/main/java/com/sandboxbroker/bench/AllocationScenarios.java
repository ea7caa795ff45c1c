package com.sandboxbroker.bench;

import com.sandboxbroker.bench.TrackClient.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The allocation scenarios: a class starting at once, and a sustained mix. Each runs against its
 * own service process whose in-memory table was seeded at start-up with exactly the pool the
 * scenario needs (plus the warm-up's share), so no admin API or back door into the service's
 * table is needed and no scenario sees another's leftovers.
 */
final class AllocationScenarios {
  /**
   * Allocations (then releases) before measuring, so the scenario meets a JIT-warm service, as a
   * class meets a service that has been up for hours, rather than a cold JVM whose C2 compiler
   * threads take most of the CPU. Profiled here (JFR ThreadCPULoad): after 400 allocations the
   * compiler still used 40 % of the service's CPU; DynamoDB Local's large generated parser
   * methods are the slowest to compile. 1500 is what fits the 10-minute budget on 2 shared cores.
   */
  static final int WARMUP_ALLOCATIONS = 1500;

  private static final int WARMUP_CLIENTS = 32;
  /** Readback and replay checks run after the timed part; enough parallelism to be quick. */
  private static final int CHECK_CLIENTS = 16;
  /** Sustained readback is sampled: all of several thousand would take longer than the run. */
  private static final int SUSTAINED_READBACK_SAMPLE = 500;

  private final BenchOptions options;
  private final Path workDir;
  private final ClaimFloor floor;
  private final String token = "bench-track-" + Long.toHexString(new Random().nextLong());
  private final Map<String, Double> floorByConcurrency = new LinkedHashMap<>();
  private double peakRssMb;

  AllocationScenarios(BenchOptions options, Path workDir, ClaimFloor floor) {
    this.options = options;
    this.workDir = workDir;
    this.floor = floor;
  }

  Map<String, Double> floorByConcurrency() {
    return floorByConcurrency;
  }

  /** Highest VmHWM of the service over the class-start scenarios. */
  double classStartPeakRssMb() {
    return peakRssMb;
  }

  /** N identities allocate at the same instant; the pool holds exactly N. */
  ScenarioResult classStart(int n) throws Exception {
    String name = "class-start-" + n;
    Path inventory = InventoryFile.write(workDir, name, WARMUP_ALLOCATIONS + n);
    try (BrokerProcess broker = BrokerProcess.start(options, workDir, name, inventory, token)) {
      warmUp(broker);
      ClaimFloor.Measurement floorM = measureFloor(n);
      double floorRate = floorM.claimsPerSecond();
      ClaimFloor.Measurement inProcess = floor.measureAllocator(n, Math.max(2000, 4 * n));
      BrokerProcess.Counters before = broker.counters();
      double serviceCpu0 = broker.cpuMillis();
      double benchCpu0 = ClaimFloor.processCpuMillis();

      TrackClient client = new TrackClient(TrackClient.newHttpClient(), broker.base(), token);
      Ledger ledger = new Ledger();
      Latencies latencies = new Latencies();
      Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
      LongAdder allocated = new LongAdder();
      AtomicLong lastDone = new AtomicLong();
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService learners = Executors.newFixedThreadPool(n);
      long start;
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String identity = name + "-learner-" + i;
          done.add(
              learners.submit(
                  () -> {
                    ready.countDown();
                    go.await();
                    Reply r = client.allocate(identity);
                    lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                    latencies.add(r.nanos());
                    outcomes.computeIfAbsent(r.outcome(), k -> new LongAdder()).increment();
                    if (r.status() == 201) {
                      allocated.increment();
                      ledger.record(identity, r.text("sandbox_id"));
                    }
                    return null;
                  }));
        }
        ready.await();
        start = System.nanoTime();
        go.countDown();
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        learners.shutdownNow();
      }
      double seconds = (lastDone.get() - start) / 1e9;
      double serviceCpu = broker.cpuMillis() - serviceCpu0;
      double benchCpu = ClaimFloor.processCpuMillis() - benchCpu0;
      BrokerProcess.Counters delta = broker.counters().minus(before);
      double rss = broker.peakRssMb();
      peakRssMb = Math.max(peakRssMb, rss);

      // untimed checks: every learner reads its sandbox back, then replays its allocation
      Map<String, Long> checks = verify(client, ledger, Map.of(), ledger.sandboxByIdentity().size(), true);

      Map<String, Object> extra = extra(floorRate, allocated.sum(), outcomes, delta, seconds);
      extra.put("in_process_allocator_per_s", BenchMain.round(inProcess.claimsPerSecond(), 0));
      extra.put("cpu_ms", cpu(floorM, inProcess, serviceCpu, benchCpu, n));
      extra.put("service_peak_rss_mb", BenchMain.round(rss, 0));
      extra.put("checks", checks);
      return result(name, n, n, allocated.sum(), seconds, latencies, delta, ledger, floorRate, extra);
    }
  }

  /**
   * {@code clients} concurrent clients for {@code seconds}: 80 % new allocations, 10 % replays of a
   * held allocation (must return the same sandbox, 200), 10 % releases (mark-for-deletion). The
   * pool is sized from the class-start throughput so it never runs dry: the equivalent of a refill
   * that keeps pace (the refill itself, sync, is measured in the job scenarios); should it run dry
   * anyway, the 409s show in the outcomes.
   */
  ScenarioResult sustained(int clients, int seconds, int pool) throws Exception {
    String name = "sustained-" + clients;
    Path inventory = InventoryFile.write(workDir, name, WARMUP_ALLOCATIONS + pool);
    try (BrokerProcess broker = BrokerProcess.start(options, workDir, name, inventory, token)) {
      warmUp(broker);
      ClaimFloor.Measurement floorM = measureFloor(clients);
      double floorRate = floorM.claimsPerSecond();
      BrokerProcess.Counters before = broker.counters();
      double serviceCpu0 = broker.cpuMillis();
      double benchCpu0 = ClaimFloor.processCpuMillis();

      TrackClient client = new TrackClient(TrackClient.newHttpClient(), broker.base(), token);
      Ledger ledger = new Ledger();
      Map<String, String> released = new ConcurrentHashMap<>();
      Latencies allocations = new Latencies();
      Latencies replays = new Latencies();
      Latencies releases = new Latencies();
      Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
      LongAdder allocated = new LongAdder();
      LongAdder replayMismatches = new LongAdder();
      ExecutorService pool2 = Executors.newFixedThreadPool(clients);
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          int clientNo = c;
          done.add(
              pool2.submit(
                  () -> {
                    List<String[]> held = new ArrayList<>(); // {identity, sandboxId}
                    int k = 0;
                    while (System.nanoTime() < end) {
                      double dice = ThreadLocalRandom.current().nextDouble();
                      if (dice < 0.10 && !held.isEmpty()) {
                        String[] h = held.get(ThreadLocalRandom.current().nextInt(held.size()));
                        Reply r = client.allocate(h[0]);
                        replays.add(r.nanos());
                        outcomes.computeIfAbsent("replay " + r.outcome(), x -> new LongAdder()).increment();
                        if (r.status() != 200 || !h[1].equals(r.text("sandbox_id"))) {
                          replayMismatches.increment();
                        }
                        if (r.status() == 200 || r.status() == 201) {
                          ledger.record(h[0], r.text("sandbox_id"));
                        }
                      } else if (dice < 0.20 && !held.isEmpty()) {
                        String[] h = held.remove(ThreadLocalRandom.current().nextInt(held.size()));
                        Reply r = client.markForDeletion(h[1], h[0]);
                        releases.add(r.nanos());
                        outcomes.computeIfAbsent("release " + r.outcome(), x -> new LongAdder()).increment();
                        released.put(h[0], h[1]);
                      } else {
                        String identity = name + "-c" + clientNo + "-" + (k++);
                        Reply r = client.allocate(identity);
                        allocations.add(r.nanos());
                        outcomes.computeIfAbsent(r.outcome(), x -> new LongAdder()).increment();
                        if (r.status() == 201) {
                          allocated.increment();
                          ledger.record(identity, r.text("sandbox_id"));
                          held.add(new String[] {identity, r.text("sandbox_id")});
                        }
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool2.shutdownNow();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      double serviceCpu = broker.cpuMillis() - serviceCpu0;
      double benchCpu = ClaimFloor.processCpuMillis() - benchCpu0;
      BrokerProcess.Counters delta = broker.counters().minus(before);

      Map<String, Long> checks = verify(client, ledger, released, SUSTAINED_READBACK_SAMPLE, false);
      checks.put("replays_not_returning_same_sandbox", replayMismatches.sum());

      Map<String, Object> extra = extra(floorRate, allocated.sum(), outcomes, delta, elapsed);
      extra.put("pool", pool);
      long ops = allocations.count() + replays.count() + releases.count();
      extra.put("cpu_ms", cpu(floorM, null, serviceCpu, benchCpu, ops));
      extra.put("replays", replays.count());
      extra.put("replay_p99_ms", BenchMain.round(replays.percentileMs(99), 1));
      extra.put("releases", releases.count());
      extra.put("release_p99_ms", BenchMain.round(releases.percentileMs(99), 1));
      extra.put("checks", checks);
      ScenarioResult r =
          result(name, clients, clients, allocated.sum(), elapsed, allocations, delta, ledger, floorRate, extra);
      // a replay that answers another sandbox breaks idempotency; count it with the doubles
      return new ScenarioResult(
          r.name(), r.n(), r.clients(), r.throughputPerS(), r.p50Ms(), r.p95Ms(), r.p99Ms(),
          r.ddbRequestsPerAllocation(), r.lostClaimsPerAllocation(),
          r.doubleAllocations() + replayMismatches.sum(), r.fractionOfFloor(), r.extra());
    }
  }

  /** Warm-up allocations, then their release, so exactly the scenario's pool stays available. */
  private void warmUp(BrokerProcess broker) throws Exception {
    TrackClient client = new TrackClient(TrackClient.newHttpClient(), broker.base(), token);
    ExecutorService pool = Executors.newFixedThreadPool(WARMUP_CLIENTS);
    try {
      List<Future<Reply>> done = new ArrayList<>();
      for (int i = 0; i < WARMUP_ALLOCATIONS; i++) {
        String identity = "warmup-" + i;
        done.add(
            pool.submit(
                () -> {
                  Reply r = client.allocate(identity);
                  if (r.status() == 201) {
                    client.markForDeletion(r.text("sandbox_id"), identity);
                  }
                  return r;
                }));
      }
      for (Future<Reply> f : done) {
        Reply r = f.get();
        if (r.status() != 201) {
          throw new IllegalStateException("warm-up allocation failed: " + r.outcome() + " " + r.body());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * CPU per operation: where the time goes on a CPU-bound shared box. The floor's and the
   * in-process allocator's include their embedded database; the service's likewise (embedded),
   * the bench client's is what driving the HTTP load cost on the same cores.
   */
  private static Map<String, Object> cpu(
      ClaimFloor.Measurement floorM, ClaimFloor.Measurement inProcess, double serviceCpu, double benchCpu, long ops) {
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
    ClaimFloor.Measurement m = floor.measure(concurrency, Math.max(3000, 10 * concurrency));
    floorByConcurrency.put(Integer.toString(concurrency), BenchMain.round(m.claimsPerSecond(), 0));
    return m;
  }

  /**
   * Reads allocations back as their owners ({@code GET /v1/sandboxes/{id}}: must be theirs and
   * {@code allocated}, or {@code pending_deletion} once released) and, for a class start, replays
   * every allocation (must answer 200 with the same sandbox). Untimed.
   */
  private Map<String, Long> verify(
      TrackClient client, Ledger ledger, Map<String, String> released, int sample, boolean replayAll)
      throws Exception {
    List<Map.Entry<String, String>> entries = new ArrayList<>(ledger.sandboxByIdentity().entrySet());
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
                    String expected = released.containsKey(identity) ? "pending_deletion" : "allocated";
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
