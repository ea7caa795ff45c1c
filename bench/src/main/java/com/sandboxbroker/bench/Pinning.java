package com.sandboxbroker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which core each part of the benchmark runs on. On a 2-core machine the ratios are only stable
 * when the parts do not take each other's CPU: the service (with its embedded database) and the
 * floor it is compared with run on core 0, one at a time; the load generator and this harness on
 * core 1. {@code taskset} (util-linux) pins a child at launch and this JVM's own threads at start.
 * With fewer than 2 cores or no {@code taskset}, nothing is pinned and the JSON says so.
 */
final class Pinning {
  static final String SERVICE_CORE = "0";
  static final String LOAD_CORE = "1";

  private final boolean enabled;
  private final String reason;

  private Pinning(boolean enabled, String reason) {
    this.enabled = enabled;
    this.reason = reason;
  }

  static Pinning detect(boolean requested) {
    if (!requested) {
      return new Pinning(false, "off (--no-pin)");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    if (cores < 2) {
      return new Pinning(false, "off: " + cores + " core available");
    }
    if (!Files.isExecutable(Path.of("/usr/bin/taskset"))
        && !Files.isExecutable(Path.of("/bin/taskset"))) {
      return new Pinning(false, "off: no taskset (util-linux)");
    }
    return new Pinning(true, "taskset");
  }

  boolean enabled() {
    return enabled;
  }

  /** The command prefix that starts a child on {@code core} (empty when not pinning). */
  List<String> on(String core) {
    List<String> prefix = new ArrayList<>();
    if (enabled) {
      prefix.add("taskset");
      prefix.add("-c");
      prefix.add(core);
    }
    return prefix;
  }

  /** Pins every thread of this JVM (threads created later inherit it) to the load core. */
  void pinSelf() throws IOException, InterruptedException {
    if (!enabled) {
      return;
    }
    Process p =
        new ProcessBuilder(
                "taskset",
                "-a",
                "-p",
                "-c",
                LOAD_CORE,
                Long.toString(ProcessHandle.current().pid()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0) {
      throw new IOException("taskset could not pin the harness (exit " + p.exitValue() + ")");
    }
  }

  /** For the JSON: where each part ran. */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", reason);
    if (enabled) {
      m.put("service_and_embedded_db_cpu", Integer.parseInt(SERVICE_CORE));
      m.put("floor_and_inprocess_allocator_cpu", Integer.parseInt(SERVICE_CORE));
      m.put("load_generator_cpu", Integer.parseInt(LOAD_CORE));
      m.put("harness_cpu", Integer.parseInt(LOAD_CORE));
    }
    return m;
  }
}
