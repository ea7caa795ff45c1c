package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sustained mix's load-generator records tallied: latencies by kind (allocation, replay,
 * release), owners, what was released, and replays that did not answer the same sandbox.
 */
final class MixRecords {
  final Ledger ledger = new Ledger();
  final Map<String, String> released = new HashMap<>();
  final Latencies allocations = new Latencies();
  final Latencies replays = new Latencies();
  final Latencies releases = new Latencies();
  final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  long allocated;
  long replayMismatches;

  MixRecords(JsonNode run) {
    for (JsonNode r : run.path("records")) {
      String kind = r.path("kind").asText();
      int status = r.path("status").asInt();
      String code = r.path("code").asText("");
      String outcome = code.isEmpty() ? Integer.toString(status) : status + " " + code;
      String identity = r.path("identity").asText();
      String sandboxId = r.path("sandbox_id").asText("");
      long ns = r.path("ns").asLong();
      switch (kind) {
        case "replay" -> replay(identity, sandboxId, status, outcome, ns);
        case "release" -> {
          releases.add(ns);
          outcomes.computeIfAbsent("release " + outcome, x -> new LongAdder()).increment();
          released.put(identity, ledger.sandboxByIdentity().get(identity));
        }
        default -> {
          allocations.add(ns);
          outcomes.computeIfAbsent(outcome, x -> new LongAdder()).increment();
          if (status == 201) {
            allocated++;
            ledger.record(identity, sandboxId);
          }
        }
      }
    }
  }

  private void replay(String identity, String sandboxId, int status, String outcome, long ns) {
    replays.add(ns);
    outcomes.computeIfAbsent("replay " + outcome, x -> new LongAdder()).increment();
    if (status != 200 || !sandboxId.equals(ledger.sandboxByIdentity().get(identity))) {
      replayMismatches++;
    }
    if (status == 200 || status == 201) {
      ledger.record(identity, sandboxId);
    }
  }

  long operations() {
    return allocations.count() + replays.count() + releases.count();
  }
}
