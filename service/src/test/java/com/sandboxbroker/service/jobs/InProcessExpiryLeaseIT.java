package com.sandboxbroker.service.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.testing.EarlierBrokerItems;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 item 5, the service's in-process expiry: an allocation copied from the earlier broker
 * without {@code expires_at} expires on its lab's configured lease ({@code leaseHoursByLab}), not
 * on the 48 h default. Before the composition root passed the allocation policy's lease rule to
 * {@code Expiry}, the 3-hour-old allocation of a 2-hour lab stayed allocated.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InProcessExpiryLeaseIT {
  @Test
  void aMigratedAllocationWithoutExpiresAtExpiresOnItsLabsLease() {
    try (TestBroker broker =
        TestBroker.start(ConfigOverride.config("allocation.leaseHoursByLab.short-lab", "2"))) {
      long now = System.currentTimeMillis() / 1000;
      putEarlierBrokerItem(broker, "short-1", "short-lab", now - 3 * 3600); // lab lease 2 h: past
      putEarlierBrokerItem(broker, "default-1", "other-lab", now - 3 * 3600); // 48 h default: live

      HttpResponse<String> r = broker.call("POST", "/v1/admin/auto-expire", TestBroker.ADMIN_TOKEN);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(broker.store().findSandbox("short-1").orElseThrow().status())
          .isEqualTo(SandboxStatus.PENDING_DELETION);
      assertThat(broker.store().findSandbox("default-1").orElseThrow().status())
          .isEqualTo(SandboxStatus.ALLOCATED);
    }
  }

  /** An allocated item as the earlier broker wrote it: no lease_id, version or expires_at. */
  private static void putEarlierBrokerItem(
      TestBroker broker, String id, String lab, long allocatedAt) {
    EarlierBrokerItems.putAllocation(
        broker.dynamo().client(), broker.tableName(), id, lab, allocatedAt);
  }
}
