package com.sandboxbroker.jobs;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The Step Functions side of {@code ecs:runTask.waitForTaskToken}: heartbeats while the job runs,
 * then exactly one {@code SendTaskSuccess} (output: the report) or {@code SendTaskFailure} (error:
 * a stable name the state machine's Retry/Catch match). The token itself is never logged.
 */
final class TaskTokenReporter {
  private static final Logger LOG = LoggerFactory.getLogger(TaskTokenReporter.class);
  /** SendTaskFailure's cause is limited to 32,768 characters; ours are short, this is a guard. */
  private static final int MAX_CAUSE = 1000;

  private final SfnClient sfn;
  private final String taskToken;
  private ScheduledFuture<?> heartbeats;

  TaskTokenReporter(SfnClient sfn, String taskToken) {
    this.sfn = sfn;
    this.taskToken = taskToken;
  }

  void startHeartbeats(ScheduledExecutorService scheduler, Duration period) {
    long millis = period.toMillis();
    heartbeats =
        scheduler.scheduleAtFixedRate(
            () -> {
              try {
                sfn.sendTaskHeartbeat(b -> b.taskToken(taskToken));
              } catch (RuntimeException e) {
                // a missed heartbeat is survivable; the state machine's timeout is several periods
                LOG.warn("SendTaskHeartbeat failed: {}", e.getClass().getSimpleName());
              }
            },
            0,
            millis,
            TimeUnit.MILLISECONDS);
  }

  void stopHeartbeats() {
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
  }

  void succeeded(String reportJson) {
    stopHeartbeats();
    sfn.sendTaskSuccess(b -> b.taskToken(taskToken).output(reportJson));
  }

  void failed(String errorName, String cause) {
    stopHeartbeats();
    String c = cause.length() > MAX_CAUSE ? cause.substring(0, MAX_CAUSE) : cause;
    sfn.sendTaskFailure(b -> b.taskToken(taskToken).error(errorName).cause(c));
  }
}
