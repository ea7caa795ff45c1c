package com.sandboxbroker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CPU figures are medians over the class starts, and the JSON lists what they were over. */
class CpuComparisonTest {
  private static CpuComparison.Pair pair(double serviceMillis, long n, double inProcessPerOp) {
    return new CpuComparison.Pair(
        serviceMillis,
        n,
        Map.of("database_thread", serviceMillis / n / 2),
        new ClaimFloor.Measurement(
            64, (int) n, 100, inProcessPerOp, 2.0, Map.of("database_thread", 1.0), 0));
  }

  @Test
  void reportsTheMedianOfEachSideAndEveryClassStart() {
    CpuComparison cpu = new CpuComparison();
    cpu.add(pair(1200, 200, 2.0)); // 6.0: one slow second
    cpu.add(pair(600, 200, 1.0)); // 3.0
    cpu.add(pair(800, 200, 1.6)); // 4.0

    assertThat(cpu.servicePerAllocation()).isEqualTo(4.0);
    assertThat(cpu.inProcessPerAllocation()).isEqualTo(1.6);
    assertThat(cpu.fields())
        .containsEntry("cpu_class_starts", 3)
        .containsEntry("service_cpu_ms_per_allocation_by_class_start", List.of(6.0, 3.0, 4.0))
        .containsEntry("inprocess_cpu_ms_per_allocation_by_class_start", List.of(2.0, 1.0, 1.6));
    assertThat(cpu.serviceByPart()).containsEntry("database_thread", 2.167);
    assertThat(cpu.firstInProcess().cpuMsPerOp()).isEqualTo(2.0);
  }

  @Test
  void anEvenCountTakesTheMeanOfTheMiddleTwo() {
    assertThat(CpuComparison.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(CpuComparison.median(new double[] {})).isNaN();
  }
}
