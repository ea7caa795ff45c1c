package com.sandboxbroker.core.job;

import com.sandboxbroker.core.contract.JobName;
import java.util.List;

/**
 * Job bookkeeping in the broker's table (items under {@code JOB#<job>}): the job's lock, its pause
 * flag and its run records. Like every write of the broker, lock changes are conditional.
 */
public interface JobStore {

  /**
   * Takes the job's lock for {@code owner} until {@code nowMillis + ttlMillis}: only if nobody
   * holds it or the holder's lock expired. Returns whether {@code owner} now holds it.
   */
  boolean tryLock(JobName job, String owner, long nowMillis, long ttlMillis);

  /**
   * The same lock for a singleton task that is not a scheduled job (the pool-count refresher): one
   * item per {@code lockName}, beside the jobs' locks. Re-taking a lock one holds renews it.
   */
  boolean tryLock(String lockName, String owner, long nowMillis, long ttlMillis);

  /**
   * Releases a {@link #tryLock(String, String, long, long)} lock if {@code owner} still holds it.
   */
  void unlock(String lockName, String owner);

  /** Extends {@code owner}'s lock; false when it lost the lock (expired and taken over). */
  boolean renewLock(JobName job, String owner, long nowMillis, long ttlMillis);

  /** Releases the lock if {@code owner} still holds it. */
  void unlock(JobName job, String owner);

  /** Whether a live (unexpired) lock is held, i.e. a run is in progress. */
  boolean isLocked(JobName job, long nowMillis);

  boolean isPaused(JobName job);

  /** Sets or clears the operator's pause flag of one job (other jobs are not affected). */
  void setPaused(JobName job, boolean paused, long now);

  /** Writes a run record that DynamoDB's TTL removes at {@code ttl} (epoch seconds). */
  void recordRun(JobRun run, long ttl);

  /** The job's most recent runs, newest first. */
  List<JobRun> recentRuns(JobName job, int limit);
}
