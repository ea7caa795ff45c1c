package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Infoblox CSP stand-in over real HTTP (JDK {@code HttpServer}), spoken to by core's own CSP
 * adapter: {@code GET /current_user/accounts?_limit&_offset} lists the accounts, {@code DELETE
 * /sandbox/accounts/<uuid>} removes one after a fixed latency (the 200 ms).
 */
final class UpstreamStub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService threads;
  private final long deleteLatencyMillis;

  /** external_id → csp_id; sorted so offset paging is stable. */
  private final Map<String, String> accounts = new ConcurrentSkipListMap<>();

  private final AtomicLong deletes = new AtomicLong();

  UpstreamStub(int accountCount, long deleteLatencyMillis) throws IOException {
    this.deleteLatencyMillis = deleteLatencyMillis;
    for (int i = 0; i < accountCount; i++) {
      accounts.put("identity/accounts/" + UUID.randomUUID(), Long.toString(5_000_000L + i));
    }
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // more threads than any cleanup parallelism: the stub's latency is a sleep, not a queue
    this.threads = Executors.newFixedThreadPool(64);
    server.setExecutor(threads);
    server.createContext("/v2/current_user/accounts", this::list);
    server.createContext("/v2/sandbox/accounts/", this::delete);
    server.start();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v2");
  }

  long deletes() {
    return deletes.get();
  }

  private void list(HttpExchange exchange) throws IOException {
    Map<String, String> q = query(exchange.getRequestURI());
    int limit = Integer.parseInt(q.getOrDefault("_limit", "1000"));
    int offset = Integer.parseInt(q.getOrDefault("_offset", "0"));
    List<Map.Entry<String, String>> all = new ArrayList<>(accounts.entrySet());
    ObjectNode body = JSON.createObjectNode();
    ArrayNode results = body.putArray("results");
    for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
      Map.Entry<String, String> a = all.get(i);
      results
          .addObject()
          .put("id", a.getKey())
          .put("csp_id", a.getValue())
          .put("name", "lab-sync-" + a.getValue())
          .put("account_type", "sandbox")
          .put("state", "active")
          .put("sfdc_account_id", "");
    }
    respond(exchange, 200, JSON.writeValueAsBytes(body));
  }

  private void delete(HttpExchange exchange) throws IOException {
    try {
      Thread.sleep(deleteLatencyMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String path = exchange.getRequestURI().getPath();
    String uuid = path.substring(path.lastIndexOf('/') + 1);
    accounts.remove("identity/accounts/" + uuid);
    deletes.incrementAndGet();
    respond(exchange, 204, null);
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          q.put(
              kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return q;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
