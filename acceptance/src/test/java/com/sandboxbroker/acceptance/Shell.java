package com.sandboxbroker.acceptance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command line through bash, as a user's shell would, with its output kept in a log file.
 */
final class Shell {

  private Shell() {}

  record Result(String name, int exitCode, String stdout, Path log) {
    /** For assertion messages: the command's name, exit code and the end of its output. */
    String describe() {
      String all = FreshClone.read(log);
      String tail = all.length() > 4000 ? "…" + all.substring(all.length() - 4000) : all;
      return name + " exited " + exitCode + " (full output: " + log + "):\n" + tail;
    }
  }

  static Result run(
      String name,
      Path dir,
      String commandLine,
      Map<String, String> env,
      Path log,
      Duration timeout) {
    Process process = launch(dir, commandLine, env, log);
    try {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        destroyTree(process);
        throw new AssertionError(name + " did not finish within " + timeout + "; output in " + log);
      }
      return new Result(name, process.exitValue(), FreshClone.read(log), log);
    } catch (InterruptedException e) {
      destroyTree(process);
      Thread.currentThread().interrupt();
      throw new AssertionError(name + " interrupted", e);
    }
  }

  static Background start(
      String name, Path dir, String commandLine, Map<String, String> env, Path log) {
    return new Background(name, launch(dir, commandLine, env, log), log);
  }

  /**
   * A long-running command (the service); closing it ends the command and everything it started.
   */
  record Background(String name, Process process, Path log) implements AutoCloseable {
    String output() {
      return FreshClone.read(log);
    }

    @Override
    public void close() {
      destroyTree(process);
    }
  }

  private static Process launch(Path dir, String commandLine, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(List.of("bash", "-c", commandLine))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().clear();
      builder.environment().putAll(env);
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void destroyTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
