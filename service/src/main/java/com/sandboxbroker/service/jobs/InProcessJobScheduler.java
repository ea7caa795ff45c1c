package com.sandboxbroker.service.jobs;

import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobLauncher;
import com.sandboxbroker.core.job.JobRun;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's scheduler: runs each job on its period inside the service (in AWS, EventBridge
 * Scheduler and Step Functions do this and this scheduler is off). Runs go through the same
 * launcher as every other caller, so they respect the job lock and the pause flags.
 */
public final class InProcessJobScheduler implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessJobScheduler.class);

  private final JobLauncher launcher;
  private final Map<JobName, Job> jobs;
  private final Map<JobName, Duration> schedule;
  private final ScheduledExecutorService executor;

  public InProcessJobScheduler(
      JobLauncher launcher,
      Map<JobName, Job> jobs,
      Map<JobName, Duration> schedule,
      ScheduledExecutorService executor) {
    this.launcher = launcher;
    this.jobs = Map.copyOf(jobs);
    this.schedule = Map.copyOf(schedule);
    this.executor = executor;
  }

  @Override
  public void start() {
    schedule.forEach(
        (name, period) -> {
          Job job = jobs.get(name);
          if (job == null) {
            return; // no upstream for it in this deployment
          }
          executor.scheduleWithFixedDelay(
              () -> {
                try {
                  JobRun run = launcher.launch(job, "");
                  LOG.info("{} {}: {}", name.wireName(), run.outcome().wireName(), run.counts());
                } catch (RuntimeException e) {
                  // keep the schedule alive: the next period tries again
                  LOG.warn("{} run failed: {}", name.wireName(), e.getClass().getSimpleName());
                }
              },
              period.toMillis(),
              period.toMillis(),
              TimeUnit.MILLISECONDS);
        });
  }

  @Override
  public void stop() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** A small pool: three jobs plus lock renewals. */
  public static ScheduledExecutorService defaultExecutor() {
    return Executors.newScheduledThreadPool(
        4,
        r -> {
          Thread t = new Thread(r, "broker-jobs");
          t.setDaemon(true);
          return t;
        });
  }
}
