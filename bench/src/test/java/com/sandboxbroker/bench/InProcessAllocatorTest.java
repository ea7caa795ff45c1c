package com.sandboxbroker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The in-process allocator runs the service's warm-up plan on an embedded DynamoDB Local of its
 * own: every round drains its own pool exactly (a pool named as the service's inventory names it),
 * replays return the same sandbox, and the measured class start allocates from the scenario's pool
 * with the service's protocol (a lease put and a claim per allocation).
 */
class InProcessAllocatorTest {
  @Test
  void runsEveryRoundOfThePlanThenMeasuresTheScenariosPool() throws Exception {
    WarmUp.Plan plan = new WarmUp.Plan(10, 2, 1);

    ClaimFloor.Measurement m = new InProcessAllocator().measure(4, 20, plan);

    assertThat(m.warmupAllocations()).isEqualTo(30);
    assertThat(m.claims()).isEqualTo(20);
    assertThat(m.claimsPerSecond()).isPositive();
    // a lease put and a claim per allocation, and the candidate reads a batch serves
    assertThat(m.requestsPerOp()).isBetween(2.0, 2.5);
  }

  @Test
  void aPreparedDatabaseRunsOneClassStartPerScenarioPool() throws Exception {
    InProcessAllocator allocator = new InProcessAllocator();
    try {
      assertThat(allocator.prepare(4, 20, 2, new WarmUp.Plan(10, 1, 1))).isEqualTo(20);

      ClaimFloor.Measurement first = allocator.classStart(0);
      ClaimFloor.Measurement second = allocator.classStart(1);

      // each pool holds exactly the class: a class start on a drained pool would throw (409)
      assertThat(first.claims()).isEqualTo(20);
      assertThat(second.claims()).isEqualTo(20);
      assertThat(second.requestsPerOp()).isBetween(2.0, 2.5);
      assertThat(second.warmupAllocations()).isEqualTo(20);
    } finally {
      allocator.close();
    }
  }
}
