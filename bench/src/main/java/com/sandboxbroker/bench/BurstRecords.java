package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A class start's load-generator records tallied: the allocations' latencies and owners, the
 * outcomes, and (with jobs) the replays each learner made as soon as it had its sandbox.
 */
final class BurstRecords {
  final Ledger ledger = new Ledger();
  final Latencies latencies = new Latencies();
  final Map<String, LongAdder> outcomes;
  long allocated;
  long lastAllocation;
  long replays;
  long replayMismatches;
  long requests;

  BurstRecords(JsonNode run, Map<String, LongAdder> jobOutcomes) {
    outcomes = new ConcurrentHashMap<>(jobOutcomes);
    for (JsonNode r : run.path("records")) {
      requests++;
      String kind = r.path("kind").asText();
      int status = r.path("status").asInt();
      String code = r.path("code").asText("");
      String outcome = code.isEmpty() ? Integer.toString(status) : status + " " + code;
      String identity = r.path("identity").asText();
      String sandboxId = r.path("sandbox_id").asText("");
      if (kind.equals("replay")) {
        replays++;
        outcomes.computeIfAbsent("replay " + outcome, k -> new LongAdder()).increment();
        String expected = ledger.sandboxByIdentity().get(identity);
        if (status != 200 || !sandboxId.equals(expected)) {
          replayMismatches++;
        }
        if (status == 200 || status == 201) {
          ledger.record(identity, sandboxId);
        }
        continue;
      }
      lastAllocation = Math.max(lastAllocation, r.path("end_ns").asLong());
      latencies.add(r.path("ns").asLong());
      outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
      if (status == 201) {
        allocated++;
        ledger.record(identity, sandboxId);
      }
    }
  }
}
