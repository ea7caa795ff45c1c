package com.sandboxbroker.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One allocation scenario's figures; the first eleven are the JSON fields, {@code extra}
 * holds what explains them (floor at this concurrency, error outcomes, requests by operation, …).
 *
 * @param throughputPerS successful new allocations (201) per second of the scenario's wall time
 * @param ddbRequestsPerAllocation every DynamoDB request the service sent during the scenario
 *     (allocations, and in the sustained run also replays and releases) per successful allocation
 * @param doubleAllocations sandboxes seen with two owners, plus identities given two sandboxes,
 *     from the responses and from reading each allocation back as its owner
 */
record ScenarioResult(
    String name,
    int n,
    int clients,
    double throughputPerS,
    double p50Ms,
    double p95Ms,
    double p99Ms,
    double ddbRequestsPerAllocation,
    double lostClaimsPerAllocation,
    long doubleAllocations,
    double fractionOfFloor,
    Map<String, Object> extra) {

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("n", n);
    m.put("clients", clients);
    m.put("throughput_per_s", BenchMain.round(throughputPerS, 1));
    m.put("p50_ms", BenchMain.round(p50Ms, 1));
    m.put("p95_ms", BenchMain.round(p95Ms, 1));
    m.put("p99_ms", BenchMain.round(p99Ms, 1));
    m.put("ddb_requests_per_allocation", BenchMain.round(ddbRequestsPerAllocation, 3));
    m.put("lost_claims_per_allocation", BenchMain.round(lostClaimsPerAllocation, 4));
    m.put("double_allocations", doubleAllocations);
    m.put("fraction_of_floor", BenchMain.round(fractionOfFloor, 3));
    m.putAll(extra);
    return m;
  }
}
