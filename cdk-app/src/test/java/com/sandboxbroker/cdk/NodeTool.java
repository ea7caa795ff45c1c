package com.sandboxbroker.cdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a Node tool from this module's node_modules (installed by the build's npm ci), with
 * its exit code and output.
 */
record NodeTool(int exitCode, String stdout, String stderr) {
  static NodeTool run(Map<String, String> env, String script, String... args) {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(SynthesizedBroker.MODULE_DIR.toFile());
    pb.environment().putAll(env);
    try {
      Path out = Files.createTempFile("node-out", ".txt");
      Path err = Files.createTempFile("node-err", ".txt");
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      // generous: three JVM starts of the jobs-runner on a shared 2-core machine
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new NodeTool(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
