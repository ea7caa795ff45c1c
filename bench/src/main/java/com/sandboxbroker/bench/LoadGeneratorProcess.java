package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The harness's handle on a {@link LoadGenerator} child process, pinned to the load core. */
final class LoadGeneratorProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Writer commands;
  private final BufferedReader answers;

  private LoadGeneratorProcess(Process process) {
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static LoadGeneratorProcess start(
      Pinning pinning, Path workDir, String name, URI base, String token) throws IOException {
    List<String> command = new ArrayList<>(pinning.on(Pinning.LOAD_CORE));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // a small heap and the serial collector: the cheapest JVM for one selector thread
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LoadGenerator.class.getName());
    command.add(base.getHost());
    command.add(Integer.toString(base.getPort()));
    command.add(token);
    ProcessBuilder b =
        new ProcessBuilder(command).redirectError(workDir.resolve(name + "-loadgen.log").toFile());
    return new LoadGeneratorProcess(b.start());
  }

  /**
   * All identities allocate at once over {@code connections} (fresh: one new connection each), from
   * the pool {@code pool} selects (its X-Sandbox-Name-Prefix).
   */
  JsonNode burst(
      List<String> identities, int connections, boolean fresh, String follow, String pool)
      throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.put("mode", "burst");
    c.put("pool", pool);
    c.put("connections", connections);
    c.put("fresh", fresh);
    c.put("follow", follow);
    identities.forEach(c.putArray("identities")::add);
    return ask(c);
  }

  /** The sustained mix, one client per connection, for {@code seconds}. */
  JsonNode mix(int connections, int seconds, String prefix, String pool) throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.put("mode", "mix");
    c.put("pool", pool);
    c.put("connections", connections);
    c.put("seconds", seconds);
    c.put("prefix", prefix);
    return ask(c);
  }

  private synchronized JsonNode ask(ObjectNode command) throws IOException {
    commands.write(JSON.writeValueAsString(command));
    commands.write("\n");
    commands.flush();
    String line;
    do {
      line = answers.readLine();
      if (line == null) {
        throw new IOException("the load generator died (see its log in the work dir)");
      }
    } while (!line.startsWith("{"));
    return JSON.readTree(line);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      commands.close();
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
