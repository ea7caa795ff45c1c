package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.bench.LoadRequest.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** One command's execution in the load generator: a selector loop over the connection pool. */
final class LoadRun {
  /** No single run of the harness takes this long; what has not answered by then is status 0. */
  private static final long RUN_TIMEOUT_NANOS = 600_000_000_000L;

  private final InetSocketAddress address;

  /** "&lt;METHOD&gt; &lt;path&gt;" + A + identity + B: the request head around the identity. */
  final byte[] headerPrefixA;

  final byte[] headerPrefixB;

  final String mode;
  final int connections;
  final boolean fresh;
  final String follow;
  final List<String> identities = new ArrayList<>();
  final long mixNanos;
  final String prefix;

  /** The X-Sandbox-Name-Prefix header line of allocations and replays; empty when none. */
  final byte[] poolHeader;

  final Deque<LoadRequest> queue = new ArrayDeque<>();
  final List<LoadRequest> done = new ArrayList<>();
  long t0;
  int opened;
  int outstanding;
  long deadline;
  Selector selector;

  LoadRun(InetSocketAddress address, byte[] headerPrefixA, byte[] headerPrefixB, JsonNode c) {
    this.address = address;
    this.headerPrefixA = headerPrefixA;
    this.headerPrefixB = headerPrefixB;
    this.mode = c.path("mode").asText("burst");
    this.connections = c.path("connections").asInt(64);
    this.fresh = c.path("fresh").asBoolean(false);
    this.follow = c.path("follow").asText("none");
    c.path("identities").forEach(i -> identities.add(i.asText()));
    this.mixNanos = c.path("seconds").asLong(0) * 1_000_000_000L;
    this.prefix = c.path("prefix").asText("mix");
    String pool = c.path("pool").asText("");
    this.poolHeader =
        (pool.isEmpty() ? "" : "X-Sandbox-Name-Prefix: " + pool + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
  }

  void execute() throws IOException {
    selector = Selector.open();
    try {
      if (mode.equals("mix")) {
        mix();
      } else {
        burst();
      }
    } finally {
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
      selector.close();
    }
  }

  private void burst() throws IOException {
    List<LoadConnection> pool = new ArrayList<>();
    if (!fresh) {
      // the ALB's connections exist before the class starts
      for (int i = 0; i < Math.min(connections, identities.size()); i++) {
        pool.add(open());
      }
      awaitConnected(pool);
    }
    t0 = System.nanoTime();
    deadline = t0 + RUN_TIMEOUT_NANOS;
    for (String identity : identities) {
      queue.add(new LoadRequest(Kind.ALLOCATE, identity, null, t0));
    }
    outstanding = identities.size();
    if (fresh) {
      for (int i = 0; i < identities.size(); i++) {
        open(); // sends the next queued request once connected
      }
    } else {
      for (LoadConnection c : pool) {
        c.next();
      }
    }
    loop(null);
  }

  private void mix() throws IOException {
    List<LoadConnection> pool = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      LoadConnection c = open();
      c.client = new MixClient(prefix + "-c" + i);
      pool.add(c);
    }
    awaitConnected(pool);
    t0 = System.nanoTime();
    long end = t0 + mixNanos;
    deadline = end + RUN_TIMEOUT_NANOS;
    for (LoadConnection c : pool) {
      c.send(c.client.next(System.nanoTime()));
    }
    outstanding = pool.size();
    loop(end);
  }

  private void awaitConnected(List<LoadConnection> pool) throws IOException {
    long until = System.nanoTime() + 30_000_000_000L;
    while (pool.stream().anyMatch(c -> !c.connected) && System.nanoTime() < until) {
      selector.select(100);
      for (SelectionKey k : selector.selectedKeys()) {
        ((LoadConnection) k.attachment()).finishConnect();
      }
      selector.selectedKeys().clear();
    }
  }

  /**
   * Runs until every request is answered (burst) or, for a mix, the time is up and all answered.
   */
  private void loop(Long mixEnd) throws IOException {
    while (outstanding > 0 && System.nanoTime() < deadline) {
      selector.select(100);
      for (SelectionKey k : selector.selectedKeys()) {
        LoadConnection c = (LoadConnection) k.attachment();
        if (!k.isValid()) {
          continue;
        }
        if (k.isConnectable()) {
          if (c.finishConnect()) {
            c.onConnected();
          }
        } else if (k.isWritable()) {
          c.write();
        } else if (k.isReadable()) {
          c.read(mixEnd);
        }
      }
      selector.selectedKeys().clear();
    }
    // whatever never got an answer is a client-side failure, status 0
    for (SelectionKey k : selector.keys()) {
      LoadConnection c = (LoadConnection) k.attachment();
      if (c != null && c.current != null) {
        c.current.status = 0;
        c.current.code = "NO_ANSWER";
        c.current.finished = System.nanoTime();
        done.add(c.current);
      }
    }
    for (LoadRequest r : queue) {
      r.code = "NEVER_SENT";
      r.finished = System.nanoTime();
      done.add(r);
    }
  }

  LoadConnection open() throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.configureBlocking(false);
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    LoadConnection c = new LoadConnection(this, ch);
    opened++;
    if (ch.connect(address)) {
      c.connected = true;
      c.key = ch.register(selector, 0, c);
      c.onConnected();
    } else {
      c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
    }
    return c;
  }

  /** A request finished: record it, queue its follow-up, and say whether the client goes on. */
  void complete(LoadConnection c, LoadRequest r) {
    done.add(r);
    long now = r.finished;
    if (r.kind == Kind.ALLOCATE && r.status == 201 && c.client == null) {
      if (follow.equals("release")) {
        queue.addFirst(new LoadRequest(Kind.RELEASE, r.identity, r.sandboxId, now));
        outstanding++;
      } else if (follow.equals("replay")) {
        queue.addFirst(new LoadRequest(Kind.REPLAY, r.identity, r.sandboxId, now));
        outstanding++;
      }
    }
    if (c.client != null) {
      c.client.answered(r);
    }
  }
}
