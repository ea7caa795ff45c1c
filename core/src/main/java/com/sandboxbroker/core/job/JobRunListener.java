package com.sandboxbroker.core.job;

/** Observes finished runs (metrics in the service); core stays free of any metrics library. */
public interface JobRunListener {
  JobRunListener NONE = run -> {};

  void finished(JobRun run);
}
