package com.sandboxbroker.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The service's shaded jar ({@code service/target/service-*-all.jar}, built earlier in the same
 * reactor) running in local mode on free ports with an in-memory DynamoDB Local: the artifact that
 * is deployed, so what it serves is what operators will call.
 */
final class RunningService implements AutoCloseable {
  private final Process process;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningService(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static RunningService start(Path repoRoot, Path logDir) {
    Path jar = shadedJar(repoRoot.resolve("service/target"));
    int port = freePort();
    int adminPort = freePort();
    try {
      Files.createDirectories(logDir);
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Ddw.server.applicationConnectors[0].port=" + port,
                  "-Ddw.server.adminConnectors[0].port=" + adminPort,
                  "-Ddw.dynamoDb.local.inMemory=true",
                  "-Ddw.demoPool.importWhenEmpty=false",
                  "-jar",
                  jar.toString(),
                  "server",
                  repoRoot.resolve("config.yml").toString())
              .directory(logDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logDir.resolve("runbook-service.log").toFile());
      // tokens of this test only: without them local mode would generate and print some
      builder.environment().put("BROKER_API_TOKEN", "runbook-test-track-token");
      builder.environment().put("BROKER_ADMIN_TOKEN", "runbook-test-admin-token");
      Process process = builder.start();
      // a test JVM that dies without closing must not leave a server behind
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      RunningService service = new RunningService(process, port);
      service.awaitHealthy(Duration.ofSeconds(120), logDir.resolve("runbook-service.log"));
      return service;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode getJson(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError(
            "GET " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return SynthesizedBroker.JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitHealthy(Duration timeout, Path log) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the service exited at start:\n" + Files.readString(log));
      }
      try {
        var response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // keep polling until the deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    close();
    throw new IllegalStateException(
        "the service did not become healthy in " + timeout + ":\n" + Files.readString(log));
  }

  private static Path shadedJar(Path target) {
    try (Stream<Path> files = Files.list(target)) {
      List<Path> jars =
          files.filter(p -> p.getFileName().toString().matches("service-.*-all\\.jar")).toList();
      if (jars.size() != 1) {
        throw new IllegalStateException(
            "expected one service/target/service-*-all.jar (run the reactor build, e.g. mvn verify), found "
                + jars);
      }
      return jars.get(0);
    } catch (IOException e) {
      throw new IllegalStateException(
          "service/target is missing: build the service module first (mvn verify)", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
