package com.sandboxbroker.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.testing.EarlierBrokerItems;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 item 5 in the deployed path: the jobs-runner's expiry gives an allocation copied from
 * the earlier broker (no {@code expires_at}) its lab's lease from LEASE_HOURS_BY_LAB / LEASE_HOURS,
 * the service's allocation settings. Before the runner read them, expiry used the 48 h default for
 * every lab: the 3-hour-old allocation of a 2-hour lab stayed allocated.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExpiryLeaseTest {
  @Test
  void expiryUsesTheLabsConfiguredLeaseForItemsWithoutExpiresAt() {
    try (RunnerFixture f = new RunnerFixture()) {
      long now = System.currentTimeMillis() / 1000;
      putEarlierBrokerItem(f, "short-1", "short-lab", now - 3 * 3600); // lab lease 2 h: past
      putEarlierBrokerItem(f, "default-1", "other-lab", now - 3 * 3600); // LEASE_HOURS 4: live
      putEarlierBrokerItem(f, "default-2", "other-lab", now - 5 * 3600); // LEASE_HOURS 4: past
      Map<String, String> env = f.env();
      env.put("LEASE_HOURS", "4");
      env.put("LEASE_HOURS_BY_LAB", "short-lab=2, long-lab=100");

      RunnerFixture.Result r = f.run(env, "expiry");

      assertThat(r.exitCode()).as(r.stdout()).isZero();
      assertThat(f.store.findSandbox("short-1").orElseThrow().status())
          .isEqualTo(SandboxStatus.PENDING_DELETION);
      assertThat(f.store.findSandbox("default-1").orElseThrow().status())
          .isEqualTo(SandboxStatus.ALLOCATED);
      assertThat(f.store.findSandbox("default-2").orElseThrow().status())
          .isEqualTo(SandboxStatus.PENDING_DELETION);
    }
  }

  @Test
  void aLabLeaseBelowAnHourIsInvalidConfiguration() {
    try (RunnerFixture f = new RunnerFixture()) {
      Map<String, String> env = f.env();
      env.put("LEASE_HOURS_BY_LAB", "short-lab=0");
      RunnerFixture.Result r = f.run(env, "expiry");
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.stdout()).contains("LEASE_HOURS_BY_LAB");
    }
  }

  private static void putEarlierBrokerItem(
      RunnerFixture f, String id, String lab, long allocatedAt) {
    EarlierBrokerItems.putAllocation(f.client, f.table, id, lab, allocatedAt);
  }
}
