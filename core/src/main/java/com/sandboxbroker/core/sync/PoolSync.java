package com.sandboxbroker.core.sync;

import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobError;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.provider.SandboxProvider;
import com.sandboxbroker.core.provider.UpstreamException;
import com.sandboxbroker.core.provider.UpstreamRejectedException;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sync: upstream accounts → pool (design §5).
 *
 * <ul>
 *   <li>New accounts are inserted as {@code available} with a conditional put, so a sync can never
 *       overwrite a sandbox someone holds (the earlier broker's double allocation).
 *   <li>Known {@code available} accounts get only their changed upstream attributes written; an
 *       unchanged account costs no write, so re-syncing an unchanged pool writes nothing.
 *   <li>Allocated, releasing, failed and deleted sandboxes are never written by sync.
 *   <li>An {@code available} account missing from a listing gets a strike; missing from two
 *       consecutive successful listings it becomes {@code stale}. Listed again, a {@code stale}
 *       account becomes {@code available}.
 *   <li>A listing that is empty, or that would count more than the configured fraction of the pool
 *       missing, is an upstream fault: nothing gets a strike and the run reports the refusal.
 * </ul>
 */
public final class PoolSync implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(PoolSync.class);

  private final SandboxStore store;
  private final SandboxProvider provider;
  private final Clock clock;
  private final SyncPolicy policy;

  public PoolSync(SandboxStore store, SandboxProvider provider, Clock clock, SyncPolicy policy) {
    this.store = store;
    this.provider = provider;
    this.clock = clock;
    this.policy = policy;
  }

  /** With the default policy (local mode's demo import). */
  public PoolSync(SandboxStore store, SandboxProvider provider, Clock clock) {
    this(store, provider, clock, SyncPolicy.defaults());
  }

  /** Counts of one run. */
  public record Result(
      int listed,
      int inserted,
      int refreshed,
      int revived,
      int missing,
      int markedStale,
      boolean staleRefused,
      int conflicts) {

    public Map<String, Long> counts() {
      Map<String, Long> c = new LinkedHashMap<>();
      c.put("listed", (long) listed);
      c.put("synced", (long) inserted + refreshed + revived);
      c.put("inserted", (long) inserted);
      c.put("refreshed", (long) refreshed);
      c.put("revived", (long) revived);
      c.put("missing", (long) missing);
      c.put("marked_stale", (long) markedStale);
      c.put("stale_refused", staleRefused ? 1L : 0L);
      c.put("conflicts", (long) conflicts);
      return c;
    }
  }

  @Override
  public JobName name() {
    return JobName.SYNC;
  }

  @Override
  public JobResult run(JobContext context) {
    try {
      Result r = sync(context::shouldStop);
      return r.staleRefused()
          ? JobResult.succeeded(
              r.counts(), "listing would mark too much of the pool missing; refused")
          : JobResult.succeeded(r.counts());
    } catch (UpstreamRejectedException e) {
      return JobResult.failed(Map.of(), JobError.JOB_FAILED, e.getMessage());
    } catch (UpstreamException e) {
      return JobResult.failed(Map.of(), JobError.UPSTREAM_UNAVAILABLE, e.getMessage());
    }
  }

  /** One unsupervised run; upstream failures propagate as {@link UpstreamException}. */
  public Result run() {
    return sync(() -> false);
  }

  private Result sync(BooleanSupplier stop) {
    long now = clock.instant().getEpochSecond();
    // list first: a failing upstream costs no table read
    Map<String, UpstreamSandbox> listed = new LinkedHashMap<>();
    for (UpstreamSandbox u : provider.listSandboxes()) {
      listed.putIfAbsent(u.sandboxId(), u);
    }
    Map<String, Sandbox> known = new HashMap<>();
    long pool = 0;
    for (Sandbox s : store.allSandboxes()) {
      known.put(s.sandboxId(), s);
      if (s.status().isLive()) {
        pool++;
      }
    }
    Tally tally = new Tally();
    List<Runnable> writes = upserts(listed, known, now, tally);
    List<Sandbox> absent =
        known.values().stream()
            .filter(
                s -> s.status() == SandboxStatus.AVAILABLE && !listed.containsKey(s.sandboxId()))
            .toList();
    boolean refused =
        !absent.isEmpty()
            && (listed.isEmpty() || absent.size() > policy.maxMissingFraction() * pool);
    if (refused) {
      LOG.warn(
          "sync refused to count {} of {} pooled sandboxes missing (listing had {}): treated as an upstream fault",
          absent.size(),
          pool,
          listed.size());
    } else {
      writes.addAll(strikes(absent, now, tally));
    }
    execute(writes, stop);
    // sync is where sandboxes get their pool; items from before pools (or a table copy) get it here
    int pooled = stop.getAsBoolean() ? 0 : store.assignMissingPools();
    if (pooled > 0) {
      LOG.info("sync gave {} older sandboxes their pool", pooled);
    }
    return new Result(
        listed.size(),
        (int) tally.inserted.get(),
        (int) tally.refreshed.get(),
        (int) tally.revived.get(),
        (int) tally.missing.get(),
        (int) tally.markedStale.get(),
        refused,
        (int) tally.conflicts.get());
  }

  /** What the writes of one sync did, counted as they land (they run in parallel). */
  private static final class Tally {
    final AtomicLong inserted = new AtomicLong();
    final AtomicLong refreshed = new AtomicLong();
    final AtomicLong revived = new AtomicLong();
    final AtomicLong missing = new AtomicLong();
    final AtomicLong markedStale = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
  }

  /** The writes for listed sandboxes: new ones inserted, changed ones refreshed, stale revived. */
  private List<Runnable> upserts(
      Map<String, UpstreamSandbox> listed, Map<String, Sandbox> known, long now, Tally tally) {
    List<Runnable> writes = new ArrayList<>();
    for (UpstreamSandbox u : listed.values()) {
      Sandbox s = known.get(u.sandboxId());
      if (s == null) {
        writes.add(
            () ->
                count(
                    store.insertSandbox(Sandbox.available(u, now)),
                    tally.inserted,
                    tally.conflicts));
      } else if (s.status() == SandboxStatus.AVAILABLE && (differs(s, u) || s.missingCount() > 0)) {
        writes.add(() -> count(store.refreshFromUpstream(s, u), tally.refreshed, tally.conflicts));
      } else if (s.status() == SandboxStatus.STALE) {
        writes.add(() -> count(store.reviveStale(s, u), tally.revived, tally.conflicts));
      }
    }
    return writes;
  }

  /** The writes for pooled sandboxes the listing lacks: a strike each, stale at the last one. */
  private List<Runnable> strikes(List<Sandbox> absent, long now, Tally tally) {
    List<Runnable> writes = new ArrayList<>();
    for (Sandbox s : absent) {
      if (s.missingCount() + 1 >= SyncPolicy.STRIKES_TO_STALE) {
        writes.add(() -> count(store.markStale(s, now), tally.markedStale, tally.conflicts));
      } else {
        writes.add(() -> count(store.recordMissing(s), tally.missing, tally.conflicts));
      }
    }
    return writes;
  }

  private void execute(List<Runnable> writes, BooleanSupplier stop) {
    if (writes.isEmpty()) {
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(policy.writeParallelism(), writes.size()));
    try {
      List<Future<?>> futures = new ArrayList<>(writes.size());
      for (Runnable w : writes) {
        futures.add(
            pool.submit(
                () -> {
                  if (!stop.getAsBoolean()) {
                    w.run();
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sync interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean differs(Sandbox s, UpstreamSandbox u) {
    return !s.name().equals(u.name())
        || !s.externalId().equals(u.externalId())
        || !s.sfdcAccountId().equals(u.sfdcAccountId());
  }

  private static void count(boolean applied, AtomicLong done, AtomicLong conflicts) {
    (applied ? done : conflicts).incrementAndGet();
  }

  private static void count(TransitionResult result, AtomicLong done, AtomicLong conflicts) {
    count(result.applied(), done, conflicts);
  }
}
