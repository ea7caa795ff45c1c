package com.sandboxbroker.bench;

import com.sandboxbroker.bench.TrackClient.Reply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads allocations back as their owners ({@code GET /v1/sandboxes/{id}}: must be theirs and {@code
 * allocated}, or {@code pending_deletion} once released) and, for a class start, replays every
 * allocation (must answer 200 with the same sandbox). Untimed.
 */
final class ReadbackChecks {
  /** Readback and replay checks run after the timed part; enough parallelism to be quick. */
  private static final int CHECK_CLIENTS = 16;

  private final TrackClient client;
  private final Ledger ledger;
  private final Map<String, String> released;
  private final boolean replayAll;
  private final LongAdder readBack = new LongAdder();
  private final LongAdder wrongStatus = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder replayMismatch = new LongAdder();

  ReadbackChecks(
      TrackClient client, Ledger ledger, Map<String, String> released, boolean replayAll) {
    this.client = client;
    this.ledger = ledger;
    this.released = released;
    this.replayAll = replayAll;
  }

  /** Checks {@code sample} allocations chosen at random; returns the counts by check. */
  Map<String, Long> run(int sample) throws Exception {
    List<Map.Entry<String, String>> entries =
        new ArrayList<>(ledger.sandboxByIdentity().entrySet());
    Collections.shuffle(entries);
    List<Map.Entry<String, String>> chosen = entries.subList(0, Math.min(sample, entries.size()));
    ExecutorService pool = Executors.newFixedThreadPool(CHECK_CLIENTS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Map.Entry<String, String> e : chosen) {
        done.add(
            pool.submit(
                () -> {
                  check(e.getKey(), e.getValue());
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, Long> checks = new TreeMap<>();
    checks.put("read_back", readBack.sum());
    checks.put("read_back_wrong_status", wrongStatus.sum());
    if (replayAll) {
      checks.put("replayed", replayed.sum());
      checks.put("replays_not_returning_same_sandbox", replayMismatch.sum());
    }
    return checks;
  }

  private void check(String identity, String sandboxId) {
    Reply r = client.get(sandboxId, identity);
    readBack.increment();
    if (r.status() != 200 || !identity.equals(r.text("allocated_to_track"))) {
      ledger.readbackContradiction();
    } else {
      String expected = released.containsKey(identity) ? "pending_deletion" : "allocated";
      if (!expected.equals(r.text("status"))) {
        wrongStatus.increment();
      }
    }
    if (replayAll) {
      Reply again = client.allocate(identity);
      replayed.increment();
      if (again.status() != 200 || !sandboxId.equals(again.text("sandbox_id"))) {
        replayMismatch.increment();
      }
    }
  }
}
