package com.sandboxbroker.core.cleanup;

import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.job.JobError;
import com.sandboxbroker.core.job.JobResult;
import com.sandboxbroker.core.provider.PreDeleteHook;
import com.sandboxbroker.core.provider.PreDeleteOutcome;
import com.sandboxbroker.core.provider.SandboxProvider;
import com.sandboxbroker.core.provider.UpstreamException;
import com.sandboxbroker.core.provider.UpstreamRateLimitedException;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleanup: deletes released sandboxes upstream and records them {@code deleted} (design §5).
 *
 * <ol>
 *   <li>Due items: {@code pending_deletion} with {@code next_attempt_at <= now}, oldest first, at
 *       most {@code maxItems}.
 *   <li>Before any upstream side effect (the pre-delete hook, the DELETE) the run claims the right
 *       to delete with a conditional write ({@link SandboxStore#claimDeletion}: still {@code
 *       pending_deletion} at the version read, same lease, stamped with the run id). The due list
 *       comes from an eventually consistent index, so what it names may since have been removed,
 *       re-imported and handed to another learner: only a won claim lets the run touch the account.
 *   <li>Up to {@code parallelism} deletes at a time. A {@code 429} pauses every worker for its
 *       {@code Retry-After} and makes the item due again only after it (no attempt counted).
 *   <li>A failed delete counts an attempt on the item and schedules the next one with exponential
 *       backoff and jitter (resilience4j's {@link IntervalFunction}), so retries spread across
 *       runs; only after {@code maxAttempts} does the item become {@code deletion_failed}.
 *   <li>The <em>drain breaker</em>, a resilience4j {@link CircuitBreaker} over this run's deletes,
 *       opens when most of them fail. The run then stops dispatching: what was not attempted keeps
 *       its attempts and stays due, so an outage never burns the pool to {@code deletion_failed}.
 *   <li>Deletes the upstream acknowledged are verified against one listing before the item becomes
 *       {@code deleted} (an audit record with a TTL; the owner stays on it so they can still read
 *       it). A crash anywhere leaves items {@code pending_deletion} and the next run repeats the
 *       delete, which the upstream answers 404 = gone.
 * </ol>
 */
public final class Cleanup implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);

  /** "Most deletions fail" (design §5). */
  private static final float DRAIN_FAILURE_RATE_PERCENT = 50f;

  /** Jitter of ±50 % keeps items that failed together from retrying together. */
  private static final double BACKOFF_RANDOMIZATION = 0.5;

  /**
   * The longest a run pauses for a {@code Retry-After}: a longer one (or a nonsense value) is not
   * waited out inside the run; the item becomes due after it, and the run stops dispatching (what
   * it did not attempt stays due) rather than sitting idle inside its task.
   */
  static final Duration MAX_RUN_PAUSE = Duration.ofSeconds(60);

  private final SandboxStore store;
  private final SandboxProvider provider;
  private final Optional<PreDeleteHook> preDelete;
  private final Clock clock;
  private final CleanupPolicy policy;
  private final IntervalFunction backoff;

  public Cleanup(
      SandboxStore store,
      SandboxProvider provider,
      Optional<PreDeleteHook> preDelete,
      Clock clock,
      CleanupPolicy policy) {
    this.store = store;
    this.provider = provider;
    this.preDelete = preDelete;
    this.clock = clock;
    this.policy = policy;
    this.backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            Math.max(1, policy.backoffBase().toMillis()),
            2.0,
            BACKOFF_RANDOMIZATION,
            Math.max(1, policy.backoffMax().toMillis()));
  }

  @Override
  public JobName name() {
    return JobName.CLEANUP;
  }

  @Override
  public JobResult run(JobContext context) {
    return new Run(context).execute();
  }

  /** The state of one run; a fresh drain breaker per run judges only this run's deletes. */
  private final class Run {
    private final JobContext context;
    private final CircuitBreaker drain;
    private final AtomicLong pauseUntilNanos = new AtomicLong(System.nanoTime());
    private final Map<String, AtomicLong> counts = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Sandbox> acknowledged = new ConcurrentLinkedQueue<>();

    /** Set by a Retry-After longer than a run pauses: nothing more is attempted in this run. */
    private volatile boolean stopDispatching;

    Run(JobContext context) {
      this.context = context;
      for (String k :
          List.of(
              "due",
              "attempted",
              "deleted",
              "failed",
              "retry_scheduled",
              "deletion_failed",
              "rate_limited",
              "deferred",
              "unverified",
              "conflicts",
              "not_claimed",
              "predelete_cleaned",
              "predelete_failed",
              "errors")) {
        counts.put(k, new AtomicLong());
      }
      int window = Math.max(policy.breakerMinimumCalls(), 2 * policy.parallelism());
      this.drain =
          CircuitBreaker.of(
              "cleanup-drain",
              CircuitBreakerConfig.custom()
                  .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                  .slidingWindowSize(window)
                  .minimumNumberOfCalls(policy.breakerMinimumCalls())
                  .failureRateThreshold(DRAIN_FAILURE_RATE_PERCENT)
                  // once open it stays open for the rest of the run: the next run starts afresh
                  .waitDurationInOpenState(Duration.ofDays(1))
                  .build());
    }

    JobResult execute() {
      long now = epochSecond();
      List<Sandbox> due =
          store.sandboxesInStatus(SandboxStatus.PENDING_DELETION).stream()
              .filter(s -> s.nextAttemptAt() <= now)
              .sorted(
                  Comparator.comparingLong(Sandbox::nextAttemptAt)
                      .thenComparingLong(Sandbox::deletionRequestedAt))
              .limit(policy.maxItems())
              .toList();
      add("due", due.size());
      ExecutorService workers = Executors.newFixedThreadPool(policy.parallelism());
      try {
        for (Sandbox s : due) {
          workers.execute(
              () -> {
                try {
                  attempt(s);
                } catch (RuntimeException e) {
                  // never a silent worker death: counted, logged, and the item stays due for a
                  // later run
                  add("errors", 1);
                  LOG.error(
                      "cleanup of {} failed unexpectedly: {}",
                      s.sandboxId(),
                      e.getClass().getSimpleName(),
                      e);
                }
              });
        }
        workers.shutdown();
        while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
          // waiting for in-flight deletes; each is bounded by the provider's request timeout
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        workers.shutdownNow();
      }
      boolean verified = verify();
      Map<String, Long> result = new LinkedHashMap<>();
      counts.forEach((k, v) -> result.put(k, v.get()));
      boolean drained = drain.getState() == CircuitBreaker.State.OPEN;
      result.put("drained", drained ? 1L : 0L);
      if (drained) {
        LOG.warn(
            "cleanup drained: most deletions failed; {} sandboxes left for the next run",
            result.get("deferred"));
        return JobResult.failed(
            result, JobError.UPSTREAM_UNAVAILABLE, "drain breaker opened: most deletions failed");
      }
      if (!verified) {
        return JobResult.failed(
            result, JobError.UPSTREAM_UNAVAILABLE, "could not verify deletions: listing failed");
      }
      if (context.shouldStop()) {
        return JobResult.failed(result, JobError.JOB_FAILED, "stopped early: job lock lost");
      }
      return JobResult.succeeded(result);
    }

    private void attempt(Sandbox seen) {
      waitForRateLimit();
      if (context.shouldStop() || stopDispatching || !drain.tryAcquirePermission()) {
        add("deferred", 1); // untouched: still due, attempts unchanged
        return;
      }
      long now = epochSecond();
      TransitionResult claim = store.claimDeletion(seen, context.runId(), now);
      context.progress();
      if (!claim.applied()) {
        // removed, re-imported, claimed by another run, or changed since the index read:
        // not this run's to delete, and no upstream call is made
        drain.releasePermission();
        add("not_claimed", 1);
        return;
      }
      add("attempted", 1);
      Sandbox current = runPreDelete(claim.current().orElseThrow());
      if (current == null) {
        drain.releasePermission();
        return;
      }
      long start = System.nanoTime();
      try {
        provider.deleteSandbox(current);
        context.progress();
        drain.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        acknowledged.add(current);
      } catch (UpstreamRateLimitedException e) {
        drain.releasePermission(); // being told to slow down is not a failed delete
        add("rate_limited", 1);
        // the provider caps Retry-After; clamp again here so no value can overflow the clocks
        Duration wait =
            e.retryAfter().compareTo(policy.backoffMax()) > 0
                ? policy.backoffMax()
                : e.retryAfter();
        if (wait.compareTo(MAX_RUN_PAUSE) > 0) {
          stopDispatching = true; // not waited out in this run: the rest stays due
        } else {
          pauseUntilNanos.accumulateAndGet(System.nanoTime() + wait.toNanos(), Math::max);
        }
        long nextAt = secondsAfter(Math.max(1000, wait.toMillis()));
        record(
            store.recordDeletionRetry(current, current.deletionAttempts(), nextAt, e.getMessage()),
            null);
      } catch (UpstreamException e) {
        drain.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        failed(current, e.getMessage());
      } catch (RuntimeException e) {
        drain.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        failed(current, e.getClass().getSimpleName());
      }
    }

    /** Runs the pre-delete hook and records its outcome; null when the item changed meanwhile. */
    private Sandbox runPreDelete(Sandbox seen) {
      if (preDelete.isEmpty()) {
        return seen;
      }
      PreDeleteOutcome outcome = preDelete.get().beforeDelete(seen);
      context.progress();
      add(
          outcome.kind() == PreDeleteOutcome.Kind.FAILED ? "predelete_failed" : "predelete_cleaned",
          outcome.kind() == PreDeleteOutcome.Kind.CLEANED
              ? outcome.count()
              : outcome.kind() == PreDeleteOutcome.Kind.FAILED ? 1 : 0);
      TransitionResult r = store.recordPreDeleteOutcome(seen, outcome.wireValue(), epochSecond());
      if (!r.applied()) {
        add("conflicts", 1);
        return null;
      }
      return r.current().orElseThrow();
    }

    private void failed(Sandbox current, String error) {
      add("failed", 1);
      int attempts = current.deletionAttempts() + 1;
      if (attempts >= policy.maxAttempts()) {
        record(store.recordDeletionFailed(current, attempts, error), "deletion_failed");
      } else {
        long nextAt = secondsAfter(backoff.apply(attempts));
        record(store.recordDeletionRetry(current, attempts, nextAt, error), "retry_scheduled");
      }
    }

    /** One listing confirms every acknowledged delete; what is still listed is retried later. */
    private boolean verify() {
      if (acknowledged.isEmpty()) {
        return true;
      }
      Set<String> listed = new HashSet<>();
      try {
        for (UpstreamSandbox u : provider.listSandboxes()) {
          listed.add(u.sandboxId());
        }
      } catch (UpstreamException e) {
        // leave them pending_deletion: the next run deletes again (404 = gone) and verifies
        add("unverified", acknowledged.size());
        return false;
      }
      context.progress();
      long now = epochSecond();
      long ttl = now + policy.deletedRetention().toSeconds();
      for (Sandbox s : acknowledged) {
        if (listed.contains(s.sandboxId())) {
          failed(s, "still listed after delete");
        } else {
          record(store.recordDeleted(s, now, ttl), "deleted");
        }
      }
      return true;
    }

    private void record(TransitionResult result, String counter) {
      context.progress();
      if (!result.applied()) {
        add("conflicts", 1);
      } else if (counter != null) {
        add(counter, 1);
      }
    }

    private void waitForRateLimit() {
      while (true) {
        long wait = pauseUntilNanos.get() - System.nanoTime();
        if (wait <= 0 || context.shouldStop()) {
          return;
        }
        context.progress(); // a bounded wait the upstream asked for (at most MAX_RUN_PAUSE)
        try {
          TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.SECONDS.toNanos(1)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    private void add(String key, long n) {
      counts.get(key).addAndGet(n);
    }
  }

  private long epochSecond() {
    return clock.instant().getEpochSecond();
  }

  /** The first epoch second at or after now + delay: never earlier than the delay asked for. */
  private long secondsAfter(long delayMillis) {
    return (clock.millis() + delayMillis + 999) / 1000;
  }
}
