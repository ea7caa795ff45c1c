package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Brings a scenario's service to the state a class meets on a task that has been up for hours:
 * every path the measured burst takes compiled, and the JIT idle under that load.
 *
 * <p>What the per-thread split showed (ThreadCpu, {@code service_cpu_ms_per_allocation_by_part})
 * and {@code -XX:+PrintCompilation} over the timed window explained:
 *
 * <ul>
 *   <li>After 1,500 allocations at 32 clients C2 took a third of the service's CPU during
 *       class-start-200; after 6,000 at the pool's 64 connections it still took 1.7–3 ms per
 *       allocation.
 *   <li>The metrics scrape right before the burst used to come from an HTTP/2-upgrading client and
 *       ran code the warm-up never had: HttpParser and the selector were deoptimized and recompiled
 *       inside the burst. Each round here ends with the same scrape.
 *   <li>A warm-up that released into one big pool never ran the paths of a pool drained to empty;
 *       each round here is a class start of its own against a pool of its own, drained exactly.
 *   <li>C2 defers a hot method while its queue is long (the thresholds scale with the queue). With
 *       the JIT idle after the warm-up, the deferred methods were compiled at their next call: in
 *       the burst. So the warm-up ends with settle rounds, each after the JIT has gone quiet.
 *       Ending them at one round under 5 % was not enough: the burst still spent 1.1 ms per
 *       allocation in C2; after two under 3 % (11,800 allocations in all) it spent 0.1. They now
 *       run to the plan's end (12,000 allocations for N = 200), the rounds the in-process allocator
 *       runs too.
 * </ul>
 */
final class WarmUp {
  /** Allocations before the settle rounds. */
  static final int ALLOCATIONS = 6000;

  /** --quick (the smoke run a test makes): enough to exercise every path, not to warm the JIT. */
  static final int QUICK_ALLOCATIONS = 50;

  /** Settle rounds add about this many allocations (and at least two rounds). */
  private static final int SETTLE_ALLOCATIONS = 6000;

  /** The longest it waits for the service's JIT to go quiet before a settle round. */
  private static final Duration JIT_SETTLE_MAX = Duration.ofSeconds(60);

  /** How a scenario's warm-up is cut: rounds of one class each, every round its own pool. */
  record Plan(int roundSize, int rounds, int settleRounds) {
    static Plan of(int roundSize, boolean quick) {
      int allocations = quick ? QUICK_ALLOCATIONS : ALLOCATIONS;
      int rounds = (allocations + roundSize - 1) / roundSize;
      int settle = quick ? 0 : Math.max(2, (SETTLE_ALLOCATIONS + roundSize - 1) / roundSize);
      return new Plan(roundSize, rounds, settle);
    }

    /** The warm-up pools the inventory must hold. */
    int pools() {
      return rounds + settleRounds;
    }
  }

  /** What the warm-up took; reported with the scenario. */
  record Outcome(int allocations, double lastRoundJitShare, double jitSettleSeconds) {}

  private final Plan plan;
  private final int connections;
  private final boolean fresh;

  WarmUp(Plan plan, int connections, boolean fresh) {
    this.plan = plan;
    this.connections = connections;
    this.fresh = fresh;
  }

  /**
   * Every round of the plan: the first {@code rounds()} back to back, then the settle rounds, each
   * once the JIT has gone quiet. All of them, whatever the JIT does: the in-process allocator runs
   * the same plan ({@link InProcessAllocator}), so both meet a database with the same history.
   */
  Outcome run(LoadGeneratorProcess load, BrokerProcess broker) throws Exception {
    int round = 0;
    for (; round < plan.rounds(); round++) {
      round(load, broker, round);
    }
    double share = Double.NaN;
    double settleSeconds = 0;
    for (int settle = 0; settle < plan.settleRounds(); settle++, round++) {
      settleSeconds += broker.awaitJitQuiet(JIT_SETTLE_MAX);
      ThreadCpu before = broker.cpuByPart();
      round(load, broker, round);
      share = jitShare(before, broker.cpuByPart());
    }
    return new Outcome(round * plan.roundSize(), share, settleSeconds);
  }

  /**
   * One class start against warm-up pool {@code round}: every identity allocates at once, the pool
   * ends empty; over keep-alive connections releases follow in even rounds and replays in odd ones
   * (the paths the scenarios take after a 201). Then the scrape the measurement makes.
   */
  private void round(LoadGeneratorProcess load, BrokerProcess broker, int round) throws Exception {
    List<String> identities = new ArrayList<>(plan.roundSize());
    for (int i = 0; i < plan.roundSize(); i++) {
      identities.add("warmup-" + round + "-" + i);
    }
    // a fresh connection closes after its answer and nothing follows on it, as in the fresh burst
    String follow = fresh ? "none" : round % 2 == 0 ? "release" : "replay";
    JsonNode run =
        load.burst(identities, connections, fresh, follow, InventoryFile.warmupPool(round));
    for (JsonNode r : run.path("records")) {
      int status = r.path("status").asInt();
      int expected = r.path("kind").asText().equals("allocate") ? 201 : 200;
      if (status != expected) {
        throw new IllegalStateException(
            "warm-up "
                + r.path("kind").asText()
                + " failed: "
                + status
                + " "
                + r.path("code").asText(""));
      }
    }
    broker.counters();
  }

  private static double jitShare(ThreadCpu before, ThreadCpu after) {
    Map<String, Object> parts = after.perUnitSince(before, 1);
    double total = after.totalMillis() - before.totalMillis();
    double jit = ((Number) parts.get(ThreadCpu.JIT_COMPILERS)).doubleValue();
    return total <= 0 ? 0 : jit / total;
  }
}
