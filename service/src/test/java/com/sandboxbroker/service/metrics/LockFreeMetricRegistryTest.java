package com.sandboxbroker.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Reservoir;
import com.sandboxbroker.service.BrokerApplication;
import com.sandboxbroker.service.BrokerConfiguration;
import io.dropwizard.core.setup.Bootstrap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LockFreeMetricRegistryTest {
  @Test
  void timersAndHistogramsByNameGetTheRegistrysReservoirOncePerName() {
    List<Reservoir> made = new ArrayList<>();
    LockFreeMetricRegistry registry =
        new LockFreeMetricRegistry(
            () -> {
              Reservoir r = LockFreeExponentiallyDecayingReservoir.builder().build();
              made.add(r);
              return r;
            });

    var timer = registry.timer("requests");
    assertThat(registry.timer("requests")).isSameAs(timer);
    var histogram = registry.histogram("sizes");
    assertThat(registry.histogram("sizes")).isSameAs(histogram);
    assertThat(made).hasSize(2);

    timer.update(7, TimeUnit.MILLISECONDS);
    histogram.update(3);
    assertThat(made.get(0).getSnapshot().getValues())
        .containsExactly(TimeUnit.MILLISECONDS.toNanos(7));
    assertThat(made.get(1).getSnapshot().getValues()).containsExactly(3L);
  }

  @Test
  void theServiceKeepsItsMetricsInALockFreeRegistry() {
    BrokerApplication app = new BrokerApplication();
    Bootstrap<BrokerConfiguration> bootstrap = new Bootstrap<>(app);
    app.initialize(bootstrap);
    assertThat(bootstrap.getMetricRegistry()).isInstanceOf(LockFreeMetricRegistry.class);
  }
}
