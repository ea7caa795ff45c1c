package com.sandboxbroker.core.allocation;

import com.sandboxbroker.core.sandbox.NoSandboxAvailableException;
import com.sandboxbroker.core.sandbox.NoSandboxAvailableException.Reason;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.store.Page;
import com.sandboxbroker.core.store.SandboxStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * An in-process buffer of {@code available} sandboxes that hands <em>distinct</em> candidates to
 * concurrent requests of this instance, so they do not all race for the same few items (the earlier
 * broker read the same 15 and gave up with 409). One index read serves a whole batch.
 *
 * <p>Candidates handed out are tracked until their claim resolves, and for a short while after (an
 * index may still list a just-claimed item), so a refill never re-issues them. The pool reports "no
 * sandbox" only after a full pass over the index found nothing that is not already taken, and waits
 * while claims that could still fail are in flight.
 */
final class CandidatePool {
  /** How long a resolved candidate is skipped: longer than any index propagation lag. */
  private static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final long IN_FLIGHT = Long.MAX_VALUE;
  private static final int MAX_PREFIX_BUFFERS = 256;

  private final SandboxStore store;
  private final int batch;

  /** sandbox id → until when to skip it; {@link #IN_FLIGHT} while its claim is unresolved */
  private final Map<String, Long> handedOut = new ConcurrentHashMap<>();

  /** Bounded whatever prefixes callers send. */
  private final Map<String, Buffer> buffers = BoundedMaps.leastRecentlyUsed(MAX_PREFIX_BUFFERS);

  CandidatePool(SandboxStore store, int batch) {
    this.store = store;
    this.batch = batch;
  }

  /**
   * A candidate no other request of this instance holds. Throws {@link NoSandboxAvailableException}
   * when the pool has none left, and {@link AllocationTimeoutException} when the deadline passes
   * while every remaining candidate is held by a claim in flight.
   */
  Sandbox take(String prefix, long deadlineNanos) {
    Buffer buffer = buffers.computeIfAbsent(prefix, p -> new Buffer());
    while (true) {
      Optional<Sandbox> next = buffer.poll();
      if (next.isPresent()) {
        return next.get();
      }
      boolean waitForInFlight;
      synchronized (buffer.refillLock) { // single flight: one refill per buffer at a time
        if (buffer.hasQueued()) {
          continue;
        }
        Refill refill = refill(prefix, buffer);
        if (refill.fresh > 0) {
          continue;
        }
        waitForInFlight = refill.inFlight > 0;
      }
      if (!waitForInFlight) {
        throw new NoSandboxAvailableException(reasonFor(prefix));
      }
      if (System.nanoTime() > deadlineNanos) {
        // A claim in flight may still fail and free its candidate: a matching sandbox may still
        // come back, so this is "retry in a second", never "none left, retry in 30 s".
        throw new AllocationTimeoutException();
      }
      // Every remaining candidate is being claimed right now; one may yet come back.
      sleepBriefly();
    }
  }

  /**
   * Returns an unused candidate, taken for {@code prefix}, to the front of that prefix's buffer.
   */
  void giveBack(String prefix, Sandbox candidate) {
    handedOut.remove(candidate.sandboxId());
    buffers.computeIfAbsent(prefix, p -> new Buffer()).offer(candidate);
  }

  /**
   * The request holding the candidate left without resolving its claim (a store call threw, or the
   * budget ran out after a lease move): forget the reservation so the next refill offers it again.
   * Whether or not a claim landed, the conditional claim keeps this safe: a claimed item drops out
   * of the index, and a stale offer of it merely loses its claim.
   */
  void release(String sandboxId) {
    handedOut.remove(sandboxId, IN_FLIGHT);
  }

  /** Candidates reserved by requests right now; 0 whenever no request of this instance runs. */
  int inFlight() {
    return (int) handedOut.values().stream().filter(until -> until == IN_FLIGHT).count();
  }

  /** The candidate's claim resolved (won or lost): it is no longer available either way. */
  void resolved(String sandboxId) {
    handedOut.put(sandboxId, System.nanoTime() + RECENT_NANOS);
  }

  private record Refill(int fresh, int inFlight) {}

  private Refill refill(String prefix, Buffer buffer) {
    long now = System.nanoTime();
    handedOut.values().removeIf(until -> until != IN_FLIGHT && until < now);
    boolean startedMidway = buffer.cursor.isPresent();
    int inFlight = 0;
    while (true) {
      Page<Sandbox> page = store.findAvailable(prefix, buffer.cursor, batch);
      buffer.cursor = page.cursor();
      List<Sandbox> fresh = new ArrayList<>(page.items().size());
      for (Sandbox s : page.items()) {
        Long until = handedOut.get(s.sandboxId());
        if (until == null) {
          fresh.add(s);
        } else if (until == IN_FLIGHT) {
          inFlight++;
        }
      }
      if (!fresh.isEmpty()) {
        // shuffled so that instances reading the same page do not walk it in the same order
        Collections.shuffle(fresh, ThreadLocalRandom.current());
        buffer.offerAll(fresh);
        return new Refill(fresh.size(), inFlight);
      }
      if (page.cursor().isEmpty()) {
        if (startedMidway) {
          startedMidway = false; // wrap around once to cover the part of the index before us
          continue;
        }
        return new Refill(0, inFlight);
      }
    }
  }

  private Reason reasonFor(String prefix) {
    if (prefix.isEmpty()) {
      return Reason.POOL_EMPTY;
    }
    return store.findAvailable("", Optional.empty(), 1).items().isEmpty()
        ? Reason.POOL_EMPTY
        : Reason.NO_PREFIX_MATCH;
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AllocationTimeoutException();
    }
  }

  private final class Buffer {
    final Object refillLock = new Object();
    private final Deque<Sandbox> queue = new ArrayDeque<>();
    Optional<String> cursor = Optional.empty();

    synchronized Optional<Sandbox> poll() {
      Sandbox s;
      while ((s = queue.poll()) != null) {
        if (handedOut.putIfAbsent(s.sandboxId(), IN_FLIGHT) == null) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }

    synchronized boolean hasQueued() {
      return !queue.isEmpty();
    }

    synchronized void offer(Sandbox s) {
      queue.addFirst(s);
    }

    synchronized void offerAll(List<Sandbox> items) {
      queue.addAll(items);
    }
  }
}
