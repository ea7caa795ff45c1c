package com.sandboxbroker.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pool-count grid: every task ticks on multiples of the interval since the epoch, the leader a
 * little before each grid point and the others just after it, so a reader never reads the published
 * counts just before the leader writes them (which served counts two intervals old).
 */
class PoolCountsScheduleTest {
  private static final long I = 30_000;

  @Test
  void theLeaderCountsJustBeforeEachGridPointAndTheOthersReadJustAfterIt() {
    long grid = 1_764_000_000_000L - Math.floorMod(1_764_000_000_000L, I) + I;
    long leaderTick = PoolCounts.nextTickAt(grid - I + 5_000, I, true, 40);
    long followerTick = PoolCounts.nextTickAt(grid - I + 7_000, I, false, 0);
    assertThat(leaderTick).isEqualTo(grid - 110); // 1.5 x 40 ms + 50 ms early
    assertThat(followerTick).isEqualTo(grid + PoolCounts.FOLLOW_OFFSET_MILLIS);
    // right after their ticks, both move on to the next grid point, never the same one again
    assertThat(PoolCounts.nextTickAt(leaderTick + 40, I, true, 40)).isEqualTo(grid + I - 110);
    assertThat(PoolCounts.nextTickAt(followerTick + 10, I, false, 10))
        .isEqualTo(grid + I + PoolCounts.FOLLOW_OFFSET_MILLIS);
  }

  @Test
  void aSlowTickMovesTheCountAtMostAQuarterIntervalEarly() {
    assertThat(PoolCounts.leadMillis(I, 0)).isEqualTo(50);
    assertThat(PoolCounts.leadMillis(I, 300)).isEqualTo(500);
    assertThat(PoolCounts.leadMillis(I, 60_000)).isEqualTo(I / 4);
    assertThat(PoolCounts.leadMillis(2_000, 900)).isEqualTo(500);
  }

  @Test
  void everyNextTickIsOnTheGridAndBetweenHalfAndOneAndAHalfIntervalsAhead() {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      long interval = 1_000 + random.nextInt(120_000);
      long now = 1_700_000_000_000L + random.nextInt(Integer.MAX_VALUE);
      boolean leader = random.nextBoolean();
      long last = random.nextInt(5_000);
      long next = PoolCounts.nextTickAt(now, interval, leader, last);
      long offset =
          leader
              ? -PoolCounts.leadMillis(interval, last)
              : Math.min(PoolCounts.FOLLOW_OFFSET_MILLIS, interval / 10);
      assertThat(Math.floorMod(next - offset, interval)).isZero();
      assertThat(next)
          .isGreaterThan(now + interval / 2)
          .isLessThanOrEqualTo(now + interval / 2 + interval);
    }
  }
}
