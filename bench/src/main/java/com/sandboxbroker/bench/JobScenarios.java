package com.sandboxbroker.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The job scenarios (sync of 10,000 accounts, cleanup of 1,000 sandboxes). */
final class JobScenarios {
  private JobScenarios() {}

  record Results(Map<String, Object> sync, Map<String, Object> cleanup) {}

  static Results run(Path workDir, List<String> notes) {
    notes.add("sync, cleanup: not measured: the jobs code (PoolSync/Cleanup use cases, jobs-runner) is not on main yet");
    Map<String, Object> sync = new LinkedHashMap<>();
    sync.put("accounts", 10_000);
    sync.put("first_run_s", null);
    sync.put("rerun_s", null);
    sync.put("rerun_writes", null);
    Map<String, Object> cleanup = new LinkedHashMap<>();
    cleanup.put("sandboxes", 1_000);
    cleanup.put("drain_per_min", null);
    return new Results(sync, cleanup);
  }
}
