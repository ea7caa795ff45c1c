package com.sandboxbroker.core.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sandboxbroker.core.contract.MetricContract;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.exception.DimensionSetExceededException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidDimensionException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidNamespaceException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidTimestampException;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * Writes the CloudWatch embedded metric format (EMF) lines that AWS's {@code aws-embedded-metrics}
 * library builds to one stream, one event per line. Both deployables run on Fargate with the
 * awslogs driver, which ships stdout and stderr to CloudWatch Logs, and CloudWatch Logs extracts
 * the metrics from any JSON event carrying {@code _aws}: no CloudWatch agent, no {@code
 * PutMetricData} permission. The library's own ECS environment would send to an agent on
 * localhost:25888 that does not exist here, and its probing calls the task metadata endpoint; this
 * fixed environment does neither, so the same code runs unchanged in tests.
 *
 * <p>Every metric carries exactly the dimensions its caller sets (the library's default
 * LogGroup/ServiceName/ServiceType dimensions are never used): the alarms name them exactly.
 */
public final class EmfStream implements Environment {
  /** The namespace of every metric the broker publishes. */
  public static final String NAMESPACE = MetricContract.NAMESPACE;

  /** The stage a metric comes from: two stages in one account must not mix. */
  public static final String STAGE = MetricContract.STAGE;

  private final PrintStream out;
  private final Clock clock;

  public EmfStream(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  /** A logger whose every metric has exactly these dimensions (name, value, name, value…). */
  public MetricsLogger logger(String... dimensionNamesAndValues) {
    MetricsLogger logger = new MetricsLogger(this);
    try {
      logger.setNamespace(NAMESPACE);
      DimensionSet dimensions = new DimensionSet();
      for (int i = 0; i + 1 < dimensionNamesAndValues.length; i += 2) {
        dimensions.addDimension(dimensionNamesAndValues[i], dimensionNamesAndValues[i + 1]);
      }
      logger.setDimensions(dimensions);
    } catch (InvalidNamespaceException
        | InvalidDimensionException
        | DimensionSetExceededException e) {
      throw new IllegalArgumentException(
          "invalid EMF namespace or dimension: " + e.getMessage(), e);
    }
    return logger;
  }

  /** Stamps the logger's pending metrics with the clock's now and writes them. */
  public void flush(MetricsLogger logger) {
    try {
      logger.setTimestamp(clock.instant());
    } catch (InvalidTimestampException e) {
      // a clock far off real time: keep the library's own timestamp rather than lose the metrics
    }
    logger.flush();
  }

  @Override
  public boolean probe() {
    return true;
  }

  @Override
  public String getName() {
    return NAMESPACE;
  }

  @Override
  public String getType() {
    return "AWS::ECS::Container";
  }

  @Override
  public String getLogGroupName() {
    return "";
  }

  @Override
  public void configureContext(MetricsContext context) {
    // nothing to add: the awslogs driver, not this process, chooses the log group
  }

  @Override
  public ISink getSink() {
    return new ISink() {
      @Override
      public void accept(MetricsContext context) {
        try {
          // the library splits a metric's values into events of at most 100 values each
          for (String line : context.serialize()) {
            // a flush with no metric pending serializes to the bare dimensions: not worth a line
            if (line.contains("\"CloudWatchMetrics\"")) {
              out.println(line);
            }
          }
          out.flush();
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
