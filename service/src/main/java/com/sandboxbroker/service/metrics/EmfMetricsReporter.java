package com.sandboxbroker.service.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import io.dropwizard.lifecycle.Managed;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publishes the metrics the CloudWatch alarms read (namespace {@code SandboxBroker}:
 * AllocationLatency, PoolAvailable, PoolDeletionFailed) as CloudWatch embedded metric format
 * lines on stdout. The awslogs driver ships stdout to CloudWatch Logs, which extracts the
 * metrics: no agent and no {@code PutMetricData} permission needed. Latencies are kept as a
 * value → count histogram per interval (EMF's Values/Counts arrays, at most 100 distinct values),
 * so CloudWatch computes the p99 the alarm uses from every allocation, not from a sample.
 */
public final class EmfMetricsReporter implements Managed {
  static final String NAMESPACE = "SandboxBroker";
  /** EMF accepts at most 100 distinct values per metric per line. */
  private static final int MAX_VALUES = 100;

  private final PoolCounts pool;
  private final Duration interval;
  private final Clock clock;
  private final PrintStream out;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<Long, LongAdder> latencyMs = new ConcurrentHashMap<>();
  private ScheduledExecutorService timer;

  /** The deployment's stage: the {@code Stage} dimension of the per-pool metrics. */
  private final String stage;

  public EmfMetricsReporter(PoolCounts pool, Duration interval, Clock clock, PrintStream out) {
    this(pool, interval, clock, out, "");
  }

  public EmfMetricsReporter(PoolCounts pool, Duration interval, Clock clock, PrintStream out, String stage) {
    this.stage = stage;
    this.pool = pool;
    this.interval = interval;
    this.clock = clock;
    this.out = out;
  }

  /** Records one allocation's latency, rounded to two significant digits to bound the values. */
  public void allocationLatency(double seconds) {
    latencyMs.computeIfAbsent(twoSignificantDigits(Math.round(seconds * 1000)), k -> new LongAdder()).increment();
  }

  static long twoSignificantDigits(long ms) {
    long scale = 1;
    while (ms / scale >= 100) {
      scale *= 10;
    }
    return ms / scale * scale;
  }

  @Override
  public void start() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "emf-metrics");
      t.setDaemon(true);
      return t;
    });
    long period = interval.toMillis();
    timer.scheduleAtFixedRate(this::flush, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    timer.shutdownNow();
    flush();
  }

  /** Writes the pool gauges and the latencies recorded since the last flush. */
  void flush() {
    ObjectNode gauges = envelope(new String[] {"PoolAvailable", "PoolDeletionFailed"}, "Count");
    gauges.put("PoolAvailable", pool.count(SandboxStatus.AVAILABLE));
    gauges.put("PoolDeletionFailed", pool.count(SandboxStatus.DELETION_FAILED));
    out.println(gauges);
    // per pool (contract §9): one line each, dimensions Stage and Pool, for the per-pool alarms
    for (var p : pool.pools()) {
      ObjectNode line = envelope(new String[] {"PoolAvailable", "PoolDeletionFailed"}, "Count");
      ArrayNode dims = (ArrayNode) line.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions");
      dims.removeAll();
      dims.addArray().add("Stage").add("Pool");
      line.put("Stage", stage);
      line.put("Pool", p.pool());
      line.put("PoolAvailable", p.available());
      line.put("PoolDeletionFailed", p.count(SandboxStatus.DELETION_FAILED));
      out.println(line);
    }
    Map<Long, Long> drained = new TreeMap<>();
    latencyMs.forEach((ms, n) -> {
      long c = n.sumThenReset();
      if (c > 0) {
        drained.put(ms, c);
      }
    });
    latencyMs.entrySet().removeIf(e -> e.getValue().sum() == 0);
    if (drained.isEmpty()) {
      return;
    }
    ObjectNode histogram = json.createObjectNode();
    ArrayNode values = histogram.putArray("Values");
    ArrayNode counts = histogram.putArray("Counts");
    drained.entrySet().stream().limit(MAX_VALUES).forEach(e -> {
      values.add(e.getKey());
      counts.add(e.getValue());
    });
    out.println(latencyLine(histogram));
  }

  private String latencyLine(ObjectNode histogram) {
    ObjectNode root = envelope(new String[] {"AllocationLatency"}, "Milliseconds");
    root.set("AllocationLatency", histogram);
    return root.toString();
  }

  private ObjectNode envelope(String[] metrics, String unit) {
    ObjectNode root = json.createObjectNode();
    ObjectNode aws = root.putObject("_aws");
    aws.put("Timestamp", clock.millis());
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", NAMESPACE);
    directive.putArray("Dimensions").addArray(); // no dimensions: one stage per account
    ArrayNode defs = directive.putArray("Metrics");
    for (String m : metrics) {
      defs.addObject().put("Name", m).put("Unit", unit);
    }
    return root;
  }
}
