package com.sandboxbroker.core.job;

import com.sandboxbroker.core.contract.JobName;

/**
 * One background job's work. Implementations are safe to re-run from the start at any moment (a
 * retry, a redrive, a crash mid-run): every step is a conditional write on the state it read.
 */
public interface Job {
  JobName name();

  /**
   * Does one run's work. Returns counts and, when the run could not do its work, the failure;
   * unexpected exceptions are turned into {@link JobError#JOB_FAILED} by {@link JobLauncher}.
   */
  JobResult run(JobContext context);
}
