package com.sandboxbroker.bench;

import com.sandboxbroker.bench.LoadRequest.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** One keep-alive (or, fresh, single-use) connection of a {@link LoadRun} and its request. */
final class LoadConnection {
  private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

  private final LoadRun run;
  final SocketChannel ch;
  SelectionKey key;
  boolean connected;
  LoadRequest current;
  ByteBuffer out;
  ByteBuffer in = ByteBuffer.allocate(16 * 1024);
  MixClient client;

  /** Mix: the request a reopened connection sends once connected. */
  LoadRequest pending;

  LoadConnection(LoadRun run, SocketChannel ch) {
    this.run = run;
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

  /** Sends what waits for this connection: a reopened mix client's request, or the queue's next. */
  void onConnected() throws IOException {
    if (current != null) {
      return;
    }
    if (pending != null) {
      LoadRequest p = pending;
      pending = null;
      send(p);
    } else if (client == null && !run.queue.isEmpty()) {
      next();
    } else if (client == null && run.fresh) {
      close();
    }
  }

  /** Takes the next queued request, or parks (burst) / closes (fresh) the connection. */
  void next() throws IOException {
    LoadRequest r = run.queue.poll();
    if (r == null) {
      key.interestOps(0);
      if (run.fresh) {
        close();
      }
      return;
    }
    send(r);
  }

  void send(LoadRequest r) throws IOException {
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
    byte[] end = run.fresh ? "Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII) : CRLF;
    byte[] pool = r.kind == Kind.RELEASE ? new byte[0] : run.poolHeader;
    out =
        ByteBuffer.allocate(
            start.length
                + run.headerPrefixA.length
                + id.length
                + run.headerPrefixB.length
                + pool.length
                + end.length);
    out.put(start).put(run.headerPrefixA).put(id).put(run.headerPrefixB).put(pool).put(end).flip();
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
      serverClosed(mixEnd);
      return;
    }
    WireResponse resp = WireResponse.parse(in);
    if (resp == null) {
      return; // not complete yet
    }
    LoadRequest r = current;
    current = null;
    r.finished = System.nanoTime();
    r.status = resp.status();
    r.sandboxId = WireResponse.field(resp.body(), "\"sandbox_id\":\"");
    r.code = WireResponse.field(resp.body(), "\"code\":\"");
    run.outstanding--;
    run.complete(this, r);
    if (resp.close() || run.fresh) {
      close();
      if (!run.fresh && (!run.queue.isEmpty() || client != null)) {
        reopen(mixEnd);
      }
      return;
    }
    sendFollowing(mixEnd);
  }

  /** The server closed the connection: the request in flight (if any) failed. */
  private void serverClosed(Long mixEnd) throws IOException {
    if (current != null) {
      current.status = 0;
      current.code = "CONNECTION_CLOSED";
      current.finished = System.nanoTime();
      LoadRequest r = current;
      current = null;
      run.outstanding--;
      run.done.add(r);
    }
    close();
    if (!run.fresh && (!run.queue.isEmpty() || client != null)) {
      reopen(mixEnd);
    }
  }

  /** After an answer on a kept-alive connection: the mix client's next request, or the queue's. */
  private void sendFollowing(Long mixEnd) throws IOException {
    if (client != null) {
      long now = System.nanoTime();
      if (now < mixEnd) {
        run.outstanding++;
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
    LoadConnection c = run.open();
    c.client = client;
    if (client != null) {
      long now = System.nanoTime();
      if (mixEnd != null && now < mixEnd) {
        run.outstanding++;
        c.pending = client.next(now);
      }
    }
  }

  void close() throws IOException {
    key.cancel();
    ch.close();
  }
}
