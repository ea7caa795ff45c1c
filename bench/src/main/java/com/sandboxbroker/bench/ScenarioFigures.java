package com.sandboxbroker.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The accounting shared by the allocation scenarios: the figures from what a scenario
 * counted ({@link ScenarioResult}), and the CPU and outcome extras that explain them.
 */
final class ScenarioFigures {
  private ScenarioFigures() {}

  static ScenarioResult withDoubles(ScenarioResult r, long more) {
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
  static Map<String, Object> cpuPerAllocation(
      double service, double inProcessPerAllocation, double loadCpu, long requests) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service_cpu_ms_per_allocation", BenchMain.round(service, 3));
    m.put("inprocess_cpu_ms_per_allocation", BenchMain.round(inProcessPerAllocation, 3));
    m.put("service_to_inprocess_cpu_ratio", BenchMain.round(service / inProcessPerAllocation, 2));
    m.put("loadgen_cpu_ms_per_request", BenchMain.round(loadCpu / Math.max(1, requests), 3));
    return m;
  }

  /**
   * CPU per operation: where the time goes on a CPU-bound shared box. The floor's and the
   * in-process allocator's include their embedded database; the service's likewise (embedded), the
   * bench client's is the load generator's (its own process, on the other core).
   */
  static Map<String, Object> cpu(
      ClaimFloor.Measurement floorM,
      double inProcessPerAllocation,
      double serviceCpu,
      double benchCpu,
      long ops) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("floor_per_claim", BenchMain.round(floorM.cpuMsPerOp(), 2));
    if (!Double.isNaN(inProcessPerAllocation)) { // NaN: the scenario has none
      m.put("in_process_allocator_per_allocation", BenchMain.round(inProcessPerAllocation, 2));
    }
    m.put("service_per_request", BenchMain.round(serviceCpu / Math.max(1, ops), 2));
    m.put("bench_client_per_request", BenchMain.round(benchCpu / Math.max(1, ops), 2));
    return m;
  }

  static Map<String, Object> extra(
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

  static ScenarioResult result(
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
