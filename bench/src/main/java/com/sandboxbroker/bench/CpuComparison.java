package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service's CPU per allocation against the in-process allocator's, over several class starts of
 * the scenario, each service class start followed at once by the in-process one, and reported as
 * medians.
 *
 * <p>Why pairs and medians: one class start of 200 is about 0.7 s of CPU, and these shared machines
 * drift in speed over minutes. The in-process allocator was measured once, minutes before the
 * service; class starts of 200 in the same service then read from 2.5 to 6.5 ms per allocation one
 * after the other, and the in-process figure of a class start of 200 from 1.4 to 2.6 between
 * scenarios of one run. Back to back, the two sides of a pair meet the same machine; the median of
 * several pairs stops one slow second from deciding the figure.
 */
final class CpuComparison {
  /** Class starts per scenario the CPU figures are the median of (the first is the scenario's). */
  static final int CLASS_STARTS = 5;

  static final int QUICK_CLASS_STARTS = 2;

  /** One class start's CPU: the service's and, right after it, the in-process allocator's. */
  record Pair(
      double serviceMillis,
      long serviceAllocations,
      Map<String, Object> serviceByPart,
      ClaimFloor.Measurement inProcess) {
    double servicePerAllocation() {
      return serviceAllocations == 0 ? Double.NaN : serviceMillis / serviceAllocations;
    }
  }

  private final List<Pair> pairs = new ArrayList<>();
  private final Map<String, Long> repeatOutcomes = new TreeMap<>();
  private long repeatDoubles;

  void add(Pair pair) {
    pairs.add(pair);
  }

  /**
   * Repeat {@code repeat} (1 and up): once the service's JIT is quiet, {@code identities} allocate
   * from scenario pool {@code repeat} as the scenario's class start did (nothing follows an
   * answer), then the in-process allocator runs its class start on its own pool {@code repeat}.
   */
  void repeat(
      int repeat,
      List<String> identities,
      int connections,
      boolean fresh,
      BrokerProcess broker,
      LoadGeneratorProcess load,
      FloorProcess floor,
      Duration jitSettleMax)
      throws Exception {
    broker.awaitJitQuiet(jitSettleMax);
    ThreadCpu before = broker.cpuByPart();
    JsonNode run =
        load.burst(identities, connections, fresh, "none", InventoryFile.scenarioPool(repeat));
    ThreadCpu after = broker.cpuByPart();
    ClaimFloor.Measurement inProcess = floor.allocatorClassStart(repeat);
    BurstRecords records = new BurstRecords(run, Map.of());
    records.outcomes.forEach((k, v) -> repeatOutcomes.merge("repeat " + k, v.sum(), Long::sum));
    repeatDoubles += records.ledger.doubles();
    long created = records.allocated;
    add(
        new Pair(
            after.totalMillis() - before.totalMillis(),
            created,
            after.perUnitSince(before, created),
            inProcess));
  }

  /** Every status code the repeats received, as {@code repeat <status>[ <code>]}. */
  Map<String, Long> repeatOutcomes() {
    return repeatOutcomes;
  }

  /** What the repeats' ledgers counted as doubles (a sandbox with two owners, or the reverse). */
  long repeatDoubles() {
    return repeatDoubles;
  }

  double servicePerAllocation() {
    return median(pairs.stream().mapToDouble(Pair::servicePerAllocation).toArray());
  }

  double inProcessPerAllocation() {
    return median(pairs.stream().mapToDouble(p -> p.inProcess().cpuMsPerOp()).toArray());
  }

  /** The first pair's in-process class start (the one right after the scenario's own). */
  ClaimFloor.Measurement firstInProcess() {
    return pairs.get(0).inProcess();
  }

  /** The JSON fields that show what the medians were taken over. */
  Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu_class_starts", pairs.size());
    m.put(
        "service_cpu_ms_per_allocation_by_class_start",
        pairs.stream().map(p -> BenchMain.round(p.servicePerAllocation(), 3)).toList());
    m.put(
        "inprocess_cpu_ms_per_allocation_by_class_start",
        pairs.stream().map(p -> BenchMain.round(p.inProcess().cpuMsPerOp(), 3)).toList());
    return m;
  }

  /** Per part, the mean over the class starts of their CPU per allocation. */
  Map<String, Object> serviceByPart() {
    return meanByPart(pairs.stream().map(Pair::serviceByPart).toList());
  }

  Map<String, Object> inProcessByPart() {
    return meanByPart(pairs.stream().map(p -> p.inProcess().cpuMsPerOpByPart()).toList());
  }

  private static Map<String, Object> meanByPart(List<Map<String, Object>> parts) {
    Map<String, Double> sum = new LinkedHashMap<>();
    for (Map<String, Object> p : parts) {
      p.forEach((k, v) -> sum.merge(k, ((Number) v).doubleValue(), Double::sum));
    }
    Map<String, Object> mean = new LinkedHashMap<>();
    sum.forEach((k, v) -> mean.put(k, BenchMain.round(v / parts.size(), 3)));
    return mean;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
