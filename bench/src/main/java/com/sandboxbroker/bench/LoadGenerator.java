package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The load generator: its own JVM, pinned by the harness to the core the service does not use, so
 * that driving the load neither takes the service's CPU nor hides in its figures. One thread, one
 * NIO selector, hand-written HTTP/1.1 — a production class start reaches the service through an ALB
 * that multiplexes the learners onto a bounded pool of keep-alive connections; this reproduces that
 * view of one task at a few tens of microseconds of client CPU per request (the JDK's {@code
 * java.net.http} client cost 2–4 ms per request here, more than the service itself).
 *
 * <p>Protocol: one JSON command per line on stdin, one JSON result per line on stdout.
 *
 * <ul>
 *   <li>{@code
 *       {"mode":"burst","connections":64,"fresh":false,"identities":[…],"follow":"none","pool":"lab-bench"}}:
 *       every identity allocates at the same instant t0; requests queue for a free connection, as
 *       at an ALB. {@code follow}: {@code release} (after a 201, release the sandbox: the warm-up)
 *       or {@code replay} (after a 201, allocate again as the same identity: must be 200, same
 *       sandbox). {@code fresh}: one new connection per request, all opened at t0, closed after the
 *       answer (learners' hooks without an ALB).
 *   <li>{@code
 *       {"mode":"mix","connections":64,"seconds":60,"prefix":"sustained","pool":"lab-bench"}}: each
 *       connection is one client looping 80 % new allocations, 10 % replays of a held allocation,
 *       10 % releases of one, for the given time.
 * </ul>
 *
 * <p>Each result holds one record per request: kind, identity, status, sandbox id, error code,
 * latency (burst: from t0, queueing included, as a learner sees it; follow-ups and mix: from the
 * moment the request was ready to send) and this process's CPU time over the run.
 */
public final class LoadGenerator {
  /** No single run of the harness takes this long; what has not answered by then is status 0. */
  private static final long RUN_TIMEOUT_NANOS = 600_000_000_000L;

  private final InetSocketAddress address;
  private final byte[] headerPrefixA;
  private final byte[] headerPrefixB;

  private LoadGenerator(String host, int port, String token) {
    this.address = new InetSocketAddress(host, port);
    // "<METHOD> <path>" + A + identity + B
    this.headerPrefixA =
        (" HTTP/1.1\r\nHost: "
                + host
                + ":"
                + port
                + "\r\nAuthorization: Bearer "
                + token
                + "\r\nX-Instruqt-Sandbox-ID: ")
            .getBytes(StandardCharsets.US_ASCII);
    this.headerPrefixB = "\r\nContent-Length: 0\r\n".getBytes(StandardCharsets.US_ASCII);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: LoadGenerator <host> <port> <track token>");
      System.exit(2);
    }
    LoadGenerator generator = new LoadGenerator(args[0], Integer.parseInt(args[1]), args[2]);
    ObjectMapper json = new ObjectMapper();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode command = json.readTree(line);
      Run run = generator.new Run(command);
      double cpu0 = ClaimFloor.processCpuMillis();
      long wall0 = System.nanoTime();
      run.execute();
      double cpu = ClaimFloor.processCpuMillis() - cpu0;
      ObjectNode result = json.createObjectNode();
      result.put("cpu_ms", cpu);
      result.put("wall_ns", System.nanoTime() - wall0);
      result.put("connections_opened", run.opened);
      ArrayNode records = result.putArray("records");
      for (Req r : run.done) {
        ObjectNode o = records.addObject();
        o.put("kind", r.kind.name().toLowerCase());
        o.put("identity", r.identity);
        o.put("status", r.status);
        if (r.sandboxId != null) {
          o.put("sandbox_id", r.sandboxId);
        }
        if (r.code != null) {
          o.put("code", r.code);
        }
        o.put("ns", r.finished - r.ready);
        o.put("end_ns", r.finished - run.t0);
      }
      out.println(json.writeValueAsString(result));
      out.flush();
    }
  }

  enum Kind {
    ALLOCATE,
    REPLAY,
    RELEASE
  }

  /** One request and, once answered, its outcome. */
  static final class Req {
    final Kind kind;
    final String identity;
    final String sandboxIdIn; // RELEASE: which sandbox; REPLAY: the one expected
    final long ready;
    int status;
    String sandboxId;
    String code;
    long finished;

    Req(Kind kind, String identity, String sandboxIdIn, long ready) {
      this.kind = kind;
      this.identity = identity;
      this.sandboxIdIn = sandboxIdIn;
      this.ready = ready;
    }
  }

  /** One command's execution: a selector loop over the connection pool. */
  final class Run {
    final String mode;
    final int connections;
    final boolean fresh;
    final String follow;
    final List<String> identities = new ArrayList<>();
    final long mixNanos;
    final String prefix;

    /** The X-Sandbox-Name-Prefix header line of allocations and replays; empty when none. */
    final byte[] poolHeader;

    final Deque<Req> queue = new ArrayDeque<>();
    final List<Req> done = new ArrayList<>();
    long t0;
    int opened;
    int outstanding;
    long deadline;
    Selector selector;

    Run(JsonNode c) {
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
      List<Conn> pool = new ArrayList<>();
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
        queue.add(new Req(Kind.ALLOCATE, identity, null, t0));
      }
      outstanding = identities.size();
      if (fresh) {
        for (int i = 0; i < identities.size(); i++) {
          open(); // sends the next queued request once connected
        }
      } else {
        for (Conn c : pool) {
          c.next();
        }
      }
      loop(null);
    }

    private void mix() throws IOException {
      List<Conn> pool = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        Conn c = open();
        c.client = new MixClient(prefix + "-c" + i);
        pool.add(c);
      }
      awaitConnected(pool);
      t0 = System.nanoTime();
      long end = t0 + mixNanos;
      deadline = end + RUN_TIMEOUT_NANOS;
      for (Conn c : pool) {
        c.send(c.client.next(System.nanoTime()));
      }
      outstanding = pool.size();
      loop(end);
    }

    private void awaitConnected(List<Conn> pool) throws IOException {
      long until = System.nanoTime() + 30_000_000_000L;
      while (pool.stream().anyMatch(c -> !c.connected) && System.nanoTime() < until) {
        selector.select(100);
        for (SelectionKey k : selector.selectedKeys()) {
          ((Conn) k.attachment()).finishConnect();
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
          Conn c = (Conn) k.attachment();
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
        Conn c = (Conn) k.attachment();
        if (c != null && c.current != null) {
          c.current.status = 0;
          c.current.code = "NO_ANSWER";
          c.current.finished = System.nanoTime();
          done.add(c.current);
        }
      }
      for (Req r : queue) {
        r.code = "NEVER_SENT";
        r.finished = System.nanoTime();
        done.add(r);
      }
    }

    private Conn open() throws IOException {
      SocketChannel ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Conn c = new Conn(ch);
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
    private void complete(Conn c, Req r) {
      done.add(r);
      long now = r.finished;
      if (r.kind == Kind.ALLOCATE && r.status == 201 && c.client == null) {
        if (follow.equals("release")) {
          queue.addFirst(new Req(Kind.RELEASE, r.identity, r.sandboxId, now));
          outstanding++;
        } else if (follow.equals("replay")) {
          queue.addFirst(new Req(Kind.REPLAY, r.identity, r.sandboxId, now));
          outstanding++;
        }
      }
      if (c.client != null) {
        c.client.answered(r);
      }
    }

    /** One client of the sustained mix (one per connection). */
    final class MixClient {
      final String prefix;
      final List<String[]> held = new ArrayList<>(); // {identity, sandboxId}
      int k;

      MixClient(String prefix) {
        this.prefix = prefix;
      }

      Req next(long now) {
        double dice = ThreadLocalRandom.current().nextDouble();
        if (dice < 0.10 && !held.isEmpty()) {
          String[] h = held.get(ThreadLocalRandom.current().nextInt(held.size()));
          return new Req(Kind.REPLAY, h[0], h[1], now);
        }
        if (dice < 0.20 && !held.isEmpty()) {
          String[] h = held.remove(ThreadLocalRandom.current().nextInt(held.size()));
          return new Req(Kind.RELEASE, h[0], h[1], now);
        }
        return new Req(Kind.ALLOCATE, prefix + "-" + (k++), null, now);
      }

      void answered(Req r) {
        if (r.kind == Kind.ALLOCATE && r.status == 201) {
          held.add(new String[] {r.identity, r.sandboxId});
        }
      }
    }

    /** One keep-alive (or, fresh, single-use) connection and its request in flight. */
    final class Conn {
      final SocketChannel ch;
      SelectionKey key;
      boolean connected;
      Req current;
      ByteBuffer out;
      ByteBuffer in = ByteBuffer.allocate(16 * 1024);
      MixClient client;

      /** Mix: the request a reopened connection sends once connected. */
      Req pending;

      Conn(SocketChannel ch) {
        this.ch = ch;
      }

      /** True when this call completed the connection. */
      boolean finishConnect() throws IOException {
        if (!connected && ch.finishConnect()) {
          connected = true;
          key.interestOps(0);
          return true;
        }
        return false;
      }

      /**
       * Sends what waits for this connection: a reopened mix client's request, or the queue's next.
       */
      void onConnected() throws IOException {
        if (current != null) {
          return;
        }
        if (pending != null) {
          Req p = pending;
          pending = null;
          send(p);
        } else if (client == null && !queue.isEmpty()) {
          next();
        } else if (client == null && fresh) {
          close();
        }
      }

      /** Takes the next queued request, or parks (burst) / closes (fresh) the connection. */
      void next() throws IOException {
        Req r = queue.poll();
        if (r == null) {
          key.interestOps(0);
          if (fresh) {
            close();
          }
          return;
        }
        send(r);
      }

      void send(Req r) throws IOException {
        current = r;
        String method;
        String path;
        switch (r.kind) {
          case RELEASE -> {
            method = "POST";
            path = "/v1/sandboxes/" + r.sandboxIdIn + "/mark-for-deletion";
          }
          default -> {
            method = "POST";
            path = "/v1/allocate";
          }
        }
        byte[] start = (method + " " + path).getBytes(StandardCharsets.US_ASCII);
        byte[] id = r.identity.getBytes(StandardCharsets.UTF_8);
        byte[] end = fresh ? "Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII) : CRLF;
        byte[] pool = r.kind == Kind.RELEASE ? new byte[0] : poolHeader;
        out =
            ByteBuffer.allocate(
                start.length
                    + headerPrefixA.length
                    + id.length
                    + headerPrefixB.length
                    + pool.length
                    + end.length);
        out.put(start).put(headerPrefixA).put(id).put(headerPrefixB).put(pool).put(end).flip();
        write();
      }

      void write() throws IOException {
        ch.write(out);
        key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
      }

      void read(Long mixEnd) throws IOException {
        if (!in.hasRemaining()) {
          ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
          in.flip();
          bigger.put(in);
          in = bigger;
        }
        int n;
        try {
          n = ch.read(in);
        } catch (IOException e) {
          n = -1;
        }
        if (n < 0) {
          // the server closed the connection: the request in flight (if any) failed
          if (current != null) {
            current.status = 0;
            current.code = "CONNECTION_CLOSED";
            current.finished = System.nanoTime();
            Req r = current;
            current = null;
            outstanding--;
            done.add(r);
          }
          close();
          if (!fresh && (!queue.isEmpty() || client != null)) {
            reopen(mixEnd);
          }
          return;
        }
        Response resp = Response.parse(in);
        if (resp == null) {
          return; // not complete yet
        }
        Req r = current;
        current = null;
        r.finished = System.nanoTime();
        r.status = resp.status;
        r.sandboxId = field(resp.body, "\"sandbox_id\":\"");
        r.code = field(resp.body, "\"code\":\"");
        outstanding--;
        complete(this, r);
        if (resp.close || fresh) {
          close();
          if (!fresh && (!queue.isEmpty() || client != null)) {
            reopen(mixEnd);
          }
          return;
        }
        if (client != null) {
          long now = System.nanoTime();
          if (now < mixEnd) {
            outstanding++;
            send(client.next(now));
          } else {
            key.interestOps(0);
          }
        } else {
          next();
        }
      }

      /** A replacement for a connection the server closed; it sends once connected. */
      private void reopen(Long mixEnd) throws IOException {
        Conn c = open();
        c.client = client;
        if (client != null) {
          long now = System.nanoTime();
          if (mixEnd != null && now < mixEnd) {
            outstanding++;
            c.pending = client.next(now);
          }
        }
      }

      void close() throws IOException {
        key.cancel();
        ch.close();
      }
    }
  }

  private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

  /**
   * A JSON string field's value found by its literal prefix; enough for the broker's flat bodies.
   */
  static String field(String body, String prefix) {
    int i = body.indexOf(prefix);
    if (i < 0) {
      return null;
    }
    int from = i + prefix.length();
    int to = body.indexOf('"', from);
    return to < 0 ? null : body.substring(from, to);
  }

  /** A complete HTTP/1.1 response taken off the front of the buffer, or null when incomplete. */
  record Response(int status, String body, boolean close) {
    static Response parse(ByteBuffer in) {
      byte[] a = in.array();
      int len = in.position();
      int headerEnd = -1;
      for (int i = 3; i < len; i++) {
        if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
          headerEnd = i + 1;
          break;
        }
      }
      if (headerEnd < 0) {
        return null;
      }
      String head = new String(a, 0, headerEnd, StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(head.substring(9, 12));
      long contentLength = -1;
      boolean chunked = false;
      boolean close = false;
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          contentLength = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("Transfer-Encoding")
            && value.toLowerCase().contains("chunked")) {
          chunked = true;
        } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
          close = true;
        }
      }
      int consumed;
      String body;
      if (chunked) {
        StringBuilder b = new StringBuilder();
        int p = headerEnd;
        while (true) {
          int lineEnd = indexOfCrlf(a, p, len);
          if (lineEnd < 0) {
            return null;
          }
          String sizeText = new String(a, p, lineEnd - p, StandardCharsets.US_ASCII);
          int semi = sizeText.indexOf(';');
          int size =
              Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
          p = lineEnd + 2;
          if (size == 0) {
            int trailerEnd = indexOfCrlf(a, p, len);
            if (trailerEnd < 0) {
              return null;
            }
            p = trailerEnd + 2; // no trailers from the service
            break;
          }
          if (p + size + 2 > len) {
            return null;
          }
          b.append(new String(a, p, size, StandardCharsets.UTF_8));
          p += size + 2;
        }
        consumed = p;
        body = b.toString();
      } else if (contentLength >= 0) {
        if (headerEnd + contentLength > len) {
          return null;
        }
        consumed = headerEnd + (int) contentLength;
        body = new String(a, headerEnd, (int) contentLength, StandardCharsets.UTF_8);
      } else {
        return null; // close-delimited bodies: the service never sends them
      }
      // keep whatever follows (nothing, with one request in flight per connection)
      in.flip();
      in.position(consumed);
      in.compact();
      return new Response(status, body, close);
    }

    private static int indexOfCrlf(byte[] a, int from, int len) {
      for (int i = from; i + 1 < len; i++) {
        if (a[i] == '\r' && a[i + 1] == '\n') {
          return i;
        }
      }
      return -1;
    }
  }
}
