package com.sandboxbroker.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A process's CPU split by what its threads do, read from {@code /proc/<pid>/task/*}/stat: the
 * threads that handle allocations (Jetty's request threads in the service, the allocating threads
 * in-process), DynamoDB Local's one SQLite thread, the JIT compilers, and the JVM's GC and VM
 * threads. It shows where a CPU-per-allocation figure goes, and whether the JIT was still compiling
 * while it was measured. Threads that ended between two snapshots count under {@code other}, as the
 * difference between the process's total and the parts.
 */
record ThreadCpu(Map<String, Task> tasks, double totalMillis) {
  /** One thread: its part and the CPU it has used so far. */
  record Task(String part, double millis) {}

  static final String REQUEST_THREADS = "request_threads";
  static final String DATABASE_THREAD = "database_thread";
  static final String JIT_COMPILERS = "jit_compilers";
  static final String GC_AND_VM = "gc_and_vm";
  static final String OTHER = "other";

  /** Linux's USER_HZ, the unit of utime/stime, on every kernel this runs on. */
  private static final double CLOCK_TICKS_PER_SECOND = 100;

  /**
   * The CPU of {@code pid} so far, by part; threads whose names start with {@code requestThreads}
   * are the ones that allocate.
   */
  static ThreadCpu of(long pid, String requestThreads) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    double total = processMillis(pid);
    Map<String, Task> threads = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended while we listed them: its CPU shows under other
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        threads.put(
            task.getFileName().toString(),
            new Task(partOf(name, requestThreads), ticksToMillis(stat)));
      }
    }
    return new ThreadCpu(threads, total);
  }

  /** The CPU time (user + system) process {@code pid} has used so far, in milliseconds. */
  static double processMillis(long pid) throws IOException {
    return ticksToMillis(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
  }

  /** This JVM's CPU so far, by part. */
  static ThreadCpu ofThisProcess(String requestThreads) throws IOException {
    return of(ProcessHandle.current().pid(), requestThreads);
  }

  /** The CPU so far of the threads of one part (e.g. {@link #JIT_COMPILERS}). */
  double millisOf(String part) {
    return tasks.values().stream()
        .filter(t -> t.part().equals(part))
        .mapToDouble(Task::millis)
        .sum();
  }

  /** What happened between {@code earlier} and this snapshot, per {@code units} (allocations). */
  Map<String, Object> perUnitSince(ThreadCpu earlier, long units) {
    Map<String, Double> byPart = new HashMap<>();
    tasks.forEach(
        (tid, now) -> {
          Task before = earlier.tasks.get(tid);
          double used = now.millis() - (before == null ? 0 : before.millis());
          byPart.merge(now.part(), used, Double::sum);
        });
    Map<String, Object> m = new LinkedHashMap<>();
    double known = 0;
    for (String part : new String[] {REQUEST_THREADS, DATABASE_THREAD, JIT_COMPILERS, GC_AND_VM}) {
      double used = byPart.getOrDefault(part, 0.0);
      known += used;
      m.put(part, BenchMain.round(used / Math.max(1, units), 3));
    }
    double other = (totalMillis - earlier.totalMillis) - known;
    m.put(OTHER, BenchMain.round(other / Math.max(1, units), 3));
    return m;
  }

  /** Thread names as Linux keeps them (15 characters). */
  static String partOf(String name, String requestThreads) {
    if (name.startsWith("SQLiteQueue")) {
      return DATABASE_THREAD;
    }
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
      return JIT_COMPILERS;
    }
    if (name.startsWith("GC Thread")
        || name.startsWith("VM Thread")
        || name.startsWith("G1 ")
        || name.startsWith("Sweeper thread")
        || name.startsWith("VM Periodic")) {
      return GC_AND_VM;
    }
    // the service's are Jetty's dw-<n> (dw-admin-<n> serve the admin port, not allocations)
    if (name.startsWith(requestThreads) && !name.startsWith("dw-admin")) {
      return REQUEST_THREADS;
    }
    return OTHER;
  }

  private static double ticksToMillis(String stat) {
    // fields after the ")" that closes the command name: utime and stime are the 12th and 13th
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000.0 / CLOCK_TICKS_PER_SECOND;
  }
}
