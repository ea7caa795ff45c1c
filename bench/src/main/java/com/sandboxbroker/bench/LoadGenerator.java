package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

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
    new LoadGenerator(args[0], Integer.parseInt(args[1]), args[2]).serve();
  }

  /** The protocol: one command line in, one result line out, until stdin closes. */
  private void serve() throws IOException {
    ObjectMapper json = new ObjectMapper();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      LoadRun run = new LoadRun(address, headerPrefixA, headerPrefixB, json.readTree(line));
      double cpu0 = ClaimFloor.processCpuMillis();
      long wall0 = System.nanoTime();
      run.execute();
      double cpu = ClaimFloor.processCpuMillis() - cpu0;
      ObjectNode result = json.createObjectNode();
      result.put("cpu_ms", cpu);
      result.put("wall_ns", System.nanoTime() - wall0);
      result.put("connections_opened", run.opened);
      writeRecords(run, result.putArray("records"));
      out.println(json.writeValueAsString(result));
      out.flush();
    }
  }

  private static void writeRecords(LoadRun run, ArrayNode records) {
    for (LoadRequest r : run.done) {
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
  }
}
