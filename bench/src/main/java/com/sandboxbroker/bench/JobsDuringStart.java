package com.sandboxbroker.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sync, cleanup and expiry run back to back through the service's admin API for as long as a class
 * start lasts; their outcomes join the scenario's.
 */
final class JobsDuringStart {
  private static final String[] JOBS = {"sync", "cleanup", "auto-expire"};

  /** Runs before the timed part, each job this many times, one after the other. */
  static final int WARMUP_RUNS_PER_JOB = 2;

  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final AtomicBoolean classRunning = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  /**
   * Runs each job {@link #WARMUP_RUNS_PER_JOB} times, before the timed part: a service that has run
   * its schedule has compiled its jobs' code. Without it the class start measured the jobs' first
   * compilation (23 ms of JIT CPU per allocation in the 2026-11-30 08:33 run). Returns the
   * outcomes, by job and outcome.
   */
  static Map<String, Long> warmUp(BrokerProcess broker) throws InterruptedException {
    Map<String, Long> outcomes = new TreeMap<>();
    for (int i = 0; i < WARMUP_RUNS_PER_JOB; i++) {
      for (String job : JOBS) {
        outcomes.merge("job " + job + " " + broker.runJob(job), 1L, Long::sum);
      }
    }
    return outcomes;
  }

  /** Starts the jobs; with {@code enabled} false, none (the outcomes stay empty). */
  static JobsDuringStart start(BrokerProcess broker, boolean enabled) {
    JobsDuringStart jobs = new JobsDuringStart();
    if (enabled) {
      for (String job : JOBS) {
        jobs.startJob(broker, job);
      }
    }
    return jobs;
  }

  private void startJob(BrokerProcess broker, String job) {
    // one thread per job, so no run ever meets its own job's lock
    Thread t =
        new Thread(
            () -> {
              do {
                try {
                  String outcome = broker.runJob(job);
                  outcomes
                      .computeIfAbsent("job " + job + " " + outcome, k -> new LongAdder())
                      .increment();
                } catch (InterruptedException e) {
                  return;
                }
              } while (classRunning.get());
            },
            "bench-job-" + job);
    t.start();
    threads.add(t);
  }

  /** The class start is over: each job finishes the run it is in and stops. */
  void classOver() {
    classRunning.set(false);
  }

  /** Waits for the jobs' last runs; their outcomes by job and outcome. */
  Map<String, LongAdder> join() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
    return outcomes;
  }
}
