package com.sandboxbroker.jobs;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * The Step Functions side of {@code ecs:runTask.waitForTaskToken}: heartbeats while the job makes
 * progress, then exactly one {@code SendTaskSuccess} (output: the report) or {@code
 * SendTaskFailure} (error: a stable name the state machine's Retry/Catch match). The token itself
 * is never logged.
 *
 * <p>A heartbeat goes out only when the job completed a step since the last one, so a wedged job
 * (an upstream that never answers) falls silent and Step Functions ends the task on its heartbeat
 * timeout. A heartbeat answered {@code TaskTimedOut}, {@code InvalidToken} or {@code
 * TaskDoesNotExist} means the task is over for Step Functions: the runner is told, stops the job
 * and exits non-zero, rather than working on unseen and holding the job's lock.
 */
final class TaskTokenReporter {
  private static final Logger LOG = LoggerFactory.getLogger(TaskTokenReporter.class);

  /** SendTaskFailure's cause is limited to 32,768 characters; ours are short, this is a guard. */
  private static final int MAX_CAUSE = 1000;

  private final SfnClient sfn;
  private final String taskToken;
  private final AtomicBoolean tokenInvalid = new AtomicBoolean();
  private ScheduledFuture<?> heartbeats;

  TaskTokenReporter(SfnClient sfn, String taskToken) {
    this.sfn = sfn;
    this.taskToken = taskToken;
  }

  /**
   * Every {@code period}: a heartbeat if {@code steps} moved since the last one (the first tick
   * always sends: starting is a step). {@code onTokenInvalid} runs once when Step Functions says
   * the task is over.
   */
  void startHeartbeats(
      ScheduledExecutorService scheduler,
      Duration period,
      LongSupplier steps,
      Runnable onTokenInvalid) {
    long[] lastSent = {-1};
    heartbeats =
        scheduler.scheduleAtFixedRate(
            () -> {
              long now = steps.getAsLong();
              if (now == lastSent[0] || tokenInvalid.get()) {
                return; // no step since the last heartbeat: stay silent, let the timeout judge
              }
              try {
                sfn.sendTaskHeartbeat(b -> b.taskToken(taskToken));
                lastSent[0] = now;
              } catch (TaskTimedOutException
                  | InvalidTokenException
                  | TaskDoesNotExistException e) {
                LOG.error(
                    "Step Functions no longer knows this task ({}): stopping the job",
                    e.getClass().getSimpleName());
                if (tokenInvalid.compareAndSet(false, true)) {
                  onTokenInvalid.run();
                }
              } catch (RuntimeException e) {
                // a missed heartbeat is survivable; the state machine's timeout is several periods
                LOG.warn("SendTaskHeartbeat failed: {}", e.getClass().getSimpleName());
              }
            },
            0,
            period.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  boolean tokenInvalid() {
    return tokenInvalid.get();
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
