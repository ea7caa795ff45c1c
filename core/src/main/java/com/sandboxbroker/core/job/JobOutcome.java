package com.sandboxbroker.core.job;

/** How a run ended, as the report and the job-run record spell it. */
public enum JobOutcome {
  SUCCEEDED("succeeded"),
  /** Paused by an operator, or another live run holds the job's lock. */
  SKIPPED("skipped"),
  FAILED("failed");

  private final String wireName;

  JobOutcome(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static JobOutcome fromWireName(String name) {
    for (JobOutcome o : values()) {
      if (o.wireName.equals(name)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown job outcome");
  }
}
