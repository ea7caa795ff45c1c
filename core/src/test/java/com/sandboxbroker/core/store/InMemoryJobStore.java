package com.sandboxbroker.core.store;

import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.job.JobRun;
import com.sandboxbroker.core.job.JobStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** In-process fake of {@link JobStore}; one lock makes each operation atomic, like DynamoDB's. */
public final class InMemoryJobStore implements JobStore {
  private record Lock(String owner, long expiresAtMillis) {}

  private final Map<JobName, Lock> locks = new EnumMap<>(JobName.class);
  private final Set<JobName> paused = EnumSet.noneOf(JobName.class);
  private final List<JobRun> runs = new ArrayList<>();

  @Override
  public synchronized boolean tryLock(JobName job, String owner, long nowMillis, long ttlMillis) {
    Lock current = locks.get(job);
    if (current != null
        && current.expiresAtMillis() > nowMillis
        && !current.owner().equals(owner)) {
      return false;
    }
    locks.put(job, new Lock(owner, nowMillis + ttlMillis));
    return true;
  }

  private final Map<String, Lock> namedLocks = new HashMap<>();

  @Override
  public synchronized boolean tryLock(
      String lockName, String owner, long nowMillis, long ttlMillis) {
    Lock current = namedLocks.get(lockName);
    if (current != null
        && current.expiresAtMillis() > nowMillis
        && !current.owner().equals(owner)) {
      return false;
    }
    namedLocks.put(lockName, new Lock(owner, nowMillis + ttlMillis));
    return true;
  }

  @Override
  public synchronized void unlock(String lockName, String owner) {
    Lock current = namedLocks.get(lockName);
    if (current != null && current.owner().equals(owner)) {
      namedLocks.remove(lockName);
    }
  }

  @Override
  public synchronized boolean renewLock(JobName job, String owner, long nowMillis, long ttlMillis) {
    Lock current = locks.get(job);
    if (current == null || !current.owner().equals(owner)) {
      return false;
    }
    locks.put(job, new Lock(owner, nowMillis + ttlMillis));
    return true;
  }

  @Override
  public synchronized void unlock(JobName job, String owner) {
    Lock current = locks.get(job);
    if (current != null && current.owner().equals(owner)) {
      locks.remove(job);
    }
  }

  @Override
  public synchronized boolean isLocked(JobName job, long nowMillis) {
    Lock current = locks.get(job);
    return current != null && current.expiresAtMillis() > nowMillis;
  }

  @Override
  public synchronized boolean isPaused(JobName job) {
    return paused.contains(job);
  }

  @Override
  public synchronized void setPaused(JobName job, boolean pause, long now) {
    if (pause) {
      paused.add(job);
    } else {
      paused.remove(job);
    }
  }

  @Override
  public synchronized void recordRun(JobRun run, long ttl) {
    runs.add(run);
  }

  @Override
  public synchronized List<JobRun> recentRuns(JobName job, int limit) {
    return runs.stream()
        .filter(r -> r.job() == job)
        .sorted(Comparator.comparingLong(JobRun::startedAt).reversed())
        .limit(limit)
        .toList();
  }
}
