package com.sandboxbroker.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.testing.TestBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Property: whatever a client sends — hostile methods, paths, ids, query values, headers and
 * bodies, written as raw bytes over a socket so nothing is sanitised on the way — the broker never
 * answers 5xx, and every 4xx is in the contract's error shape with the request id, without a token
 * or an exception's text.
 */
class HostileRequestPropertyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestBroker broker;
  private static List<String> seeded;
  private static final AtomicInteger SENT = new AtomicInteger();

  private static synchronized TestBroker broker() {
    if (broker == null) {
      broker = TestBroker.start();
      seeded = broker.seed("lab-hostile-", 30);
    }
    return broker;
  }

  @AfterContainer
  static void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
    assertThat(SENT.get()).isGreaterThanOrEqualTo(2000);
  }

  record Hostile(String method, String path, List<String[]> headers, byte[] body, boolean chunked) {
    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      write(out, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      for (String[] h : headers) {
        write(out, h[0] + ": " + h[1] + "\r\n");
      }
      if (body.length > 0 && chunked) {
        write(
            out, "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n");
        out.writeBytes(body);
        write(out, "\r\n0\r\n\r\n");
      } else {
        if (body.length > 0) {
          write(out, "Content-Length: " + body.length + "\r\n");
        }
        write(out, "\r\n");
        out.writeBytes(body);
      }
      return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
      // ISO-8859-1 keeps every char < 256 as one raw byte: control characters and high bytes
      // included
      out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(method + " " + abbreviate(path));
      headers.forEach(h -> b.append(" | ").append(h[0]).append(": ").append(abbreviate(h[1])));
      return b.append(" | body ").append(body.length).append(chunked ? " chunked" : "").toString();
    }
  }

  @Property(tries = 2100, shrinking = ShrinkingMode.OFF)
  void neverA5xxAndEvery4xxInTheContractShape(@ForAll("requests") Hostile request)
      throws Exception {
    TestBroker b = broker();
    SENT.incrementAndGet();
    Raw response = send(b.uri("/").getPort(), request.bytes());
    String what = request + " -> " + response.status + " " + abbreviate(response.body);
    assertThat(response.status).as(what).isBetween(100, 499);
    assertThat(response.headers).as(what).containsKey("x-request-id");
    if (response.status >= 400 && !request.method().equals("HEAD")) {
      assertThat(response.headers.get("content-type")).as(what).startsWith("application/json");
      JsonNode detail = JSON.readTree(response.body).get("detail");
      assertThat(detail).as(what).isNotNull();
      assertThat(detail.get("code").asText()).as(what).matches("[A-Z_]+");
      assertThat(detail.get("message").asText()).as(what).isNotBlank();
      assertThat(detail.get("request_id").asText())
          .as(what)
          .isEqualTo(response.headers.get("x-request-id"));
    }
    assertThat(response.body)
        .as(what)
        .doesNotContain(TestBroker.TRACK_TOKEN)
        .doesNotContain(TestBroker.ADMIN_TOKEN)
        .doesNotContain("Exception")
        .doesNotContain("at com.")
        .doesNotContain("at org.");
  }

  @Provide
  Arbitrary<Hostile> requests() {
    Arbitrary<String> method =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of("GET", "POST")),
            Tuple.of(
                1,
                Arbitraries.of(
                    "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "get",
                    "CONNECT")));
    Arbitrary<String> path =
        Combinators.combine(templates(), ids(), queries())
            .as((t, id, q) -> t.replace("{id}", id) + q);
    Arbitrary<List<String[]>> headers =
        Combinators.combine(authorization(), identity(), optionalHeaders())
            .as(
                (a, i, o) -> {
                  List<String[]> all = new ArrayList<>();
                  a.forEach(v -> all.add(new String[] {"Authorization", v}));
                  i.forEach(all::add);
                  all.addAll(o);
                  return all;
                });
    return Combinators.combine(method, path, headers, bodies(), Arbitraries.of(false, false, true))
        .as(Hostile::new);
  }

  private Arbitrary<String> templates() {
    return Arbitraries.of(
        "/v1/allocate",
        "/v1/sandboxes/{id}",
        "/v1/sandboxes/{id}/mark-for-deletion",
        "/v1/admin/sandboxes",
        "/v1/admin/sandboxes/{id}",
        "/v1/admin/stats",
        "/v1/admin/bulk-delete",
        "/v1/admin/auto-delete-stale",
        "/v1/admin/sandboxes/{id}/retry-deletion",
        "/v1/admin/sandboxes/{id}/force-release",
        "/v1/openapi.json",
        "/v1/docs",
        "/v1/docs/initializer.js",
        "/v1/swagger-ui/{id}",
        "/healthz",
        "/readyz",
        "/",
        "/v1",
        "/v1/",
        "/v2/allocate",
        "/v1/admin",
        "/metrics",
        "//v1//allocate",
        "/v1/./admin/stats",
        "/v1/sandboxes/{id}/{id}",
        "/v1/allocate/{id}",
        "/v1/admin/sandboxes/{id}/force-release/",
        "/V1/ALLOCATE",
        "*");
  }

  private Arbitrary<String> ids() {
    return Arbitraries.oneOf(
        Arbitraries.of(seededIds()),
        Arbitraries.of(
            "",
            "..",
            "%2e%2e",
            "%2F",
            "%2fadmin%2fstats",
            "%00",
            "%ZZ",
            "%",
            "%C3%A9",
            "%F0%9F%92%A9",
            "%C0%AF",
            "'%20OR%201=1--",
            "$%7Bjndi:ldap://x%7D",
            "%3Cscript%3E",
            "null",
            "-1",
            "SBX%23x",
            "%0d%0aX-Injected:%201",
            "a;b",
            "a%3Bb",
            "~",
            "%u0041",
            "%FF%FE",
            "x".repeat(300),
            "y".repeat(5000)),
        Arbitraries.strings()
            .withCharRange('!', '~')
            .excludeChars('?', '#', '/', '%')
            .ofMinLength(1)
            .ofMaxLength(40));
  }

  private List<String> seededIds() {
    broker();
    return seeded;
  }

  private Arbitrary<String> queries() {
    Arbitrary<String> key =
        Arbitraries.of(
            "status",
            "limit",
            "cursor",
            "lab",
            "owner",
            "confirm",
            "grace_period_hours",
            "x",
            "",
            "limit[]",
            "%00");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "",
                "-1",
                "0",
                "1",
                "50",
                "500",
                "501",
                "99999999999999999999",
                "NaN",
                "1e3",
                "0x10",
                " 5",
                "allocated",
                "available",
                "stale",
                "deleted",
                "pending_deletion",
                "deletion_failed",
                "ALLOCATED",
                "%00",
                "%ZZ",
                "a%26b",
                "%C0%AF",
                "%F0%9F%92%A9",
                "YzEeUEsfUx9TQlgjMQ",
                "c1",
                "z".repeat(3000),
                "%0d%0a",
                "null",
                "[]"),
            Arbitraries.strings().withCharRange('0', 'z').ofMaxLength(20));
    Arbitrary<String> pair = Combinators.combine(key, value).as((k, v) -> k + "=" + v);
    return Arbitraries.oneOf(
        Arbitraries.just(""),
        pair.list().ofMinSize(1).ofMaxSize(4).map(l -> "?" + String.join("&", l)),
        Arbitraries.of("?", "?&&", "?=", "?status", "?limit=5&limit=6", "?;", "?%"));
  }

  private Arbitrary<List<String>> authorization() {
    return Arbitraries.oneOf(
        Arbitraries.just(List.of()),
        Arbitraries.of(
                "Bearer " + TestBroker.TRACK_TOKEN,
                "Bearer " + TestBroker.ADMIN_TOKEN,
                "Bearer " + TestBroker.ADVENTURE_TOKEN,
                "bearer " + TestBroker.ADMIN_TOKEN,
                "Bearer  " + TestBroker.TRACK_TOKEN + "  ",
                "Bearer",
                "Bearer ",
                "Basic YWRtaW46YWRtaW4=",
                "Bearer " + "t".repeat(5000),
                "Bearer \u0001\u007f",
                "Bearer \u00ff\u00fe",
                "Bearer " + TestBroker.TRACK_TOKEN + "\t",
                "Bearer null",
                "Bearer ../../etc/passwd")
            .map(List::of),
        Arbitraries.just(
            List.of("Bearer " + TestBroker.TRACK_TOKEN, "Bearer " + TestBroker.ADMIN_TOKEN)));
  }

  private Arbitrary<List<String[]>> identity() {
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "learner-1",
                "learner-2",
                "",
                "   ",
                "x".repeat(257),
                "x".repeat(256),
                "a\u0001b",
                "\u00e9\u00ff",
                "\u00c3\u00a9",
                "tab\there",
                "  padded  ",
                "${jndi:ldap://x}",
                "<script>",
                "learner-1, learner-2"),
            Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30));
    Arbitrary<String> name =
        Arbitraries.of("X-Instruqt-Sandbox-ID", "X-Track-ID", "x-instruqt-sandbox-id");
    return Combinators.combine(name, value).as((n, v) -> new String[] {n, v}).list().ofMaxSize(2);
  }

  private Arbitrary<List<String[]>> optionalHeaders() {
    Arbitrary<String[]> header =
        Arbitraries.oneOf(
            Arbitraries.of(
                    "X-Instruqt-Track-ID",
                    "X-Sandbox-Name-Prefix",
                    "Idempotency-Key",
                    "X-Request-ID")
                .flatMap(
                    n ->
                        Arbitraries.of(
                                "lab-",
                                "",
                                "zzz",
                                "lab-hostile-",
                                "q".repeat(300),
                                "a\u0001",
                                "ok.id-1",
                                "\u00ff",
                                "../")
                            .map(v -> new String[] {n, v})),
            Arbitraries.of(
                    "application/json",
                    "text/plain",
                    "a/b/c",
                    "application/json; charset=ebcdic",
                    "",
                    "multipart/form-data; boundary=x",
                    "application/x-www-form-urlencoded")
                .map(v -> new String[] {"Content-Type", v}),
            Arbitraries.of(
                    "application/json",
                    "text/html",
                    "*/*",
                    "application/xml",
                    "garbage",
                    "",
                    "application/json;q=0")
                .map(v -> new String[] {"Accept", v}),
            Arbitraries.of("gzip", "identity", "br", "x")
                .map(v -> new String[] {"Accept-Encoding", v}),
            Arbitraries.of("https://evil.example", "null").map(v -> new String[] {"Origin", v}),
            Arbitraries.of("100-continue", "x").map(v -> new String[] {"Expect", v}));
    return header.list().ofMaxSize(4);
  }

  private Arbitrary<byte[]> bodies() {
    return Arbitraries.oneOf(
        Arbitraries.just(new byte[0]),
        Arbitraries.of("{}", "[", "null", "{\"sandbox_id\": \"x\"}", "<xml/>", "a=b&c=d")
            .map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2048),
        Arbitraries.integers()
            .between(1025, 65536)
            .map(n -> "z".repeat(n).getBytes(StandardCharsets.UTF_8)));
  }

  record Raw(int status, Map<String, String> headers, String body) {}

  static Raw send(int port, byte[] request) throws IOException {
    byte[] all;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
      } catch (IOException e) {
        // the server may answer (413) and close before it read everything we send; read that answer
      }
      all = readAll(s);
    }
    String text = new String(all, StandardCharsets.ISO_8859_1);
    // skip interim responses (100 Continue for "Expect: 100-continue")
    while (text.startsWith("HTTP/1.1 1")) {
      int interimEnd = text.indexOf("\r\n\r\n");
      text = text.substring(interimEnd + 4);
      all = Arrays.copyOfRange(all, interimEnd + 4, all.length);
    }
    int end = text.indexOf("\r\n\r\n");
    assertThat(end).as("no complete response: " + abbreviate(text)).isPositive();
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.putIfAbsent(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] rawBody = Arrays.copyOfRange(all, end + 4, all.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      rawBody = dechunk(rawBody);
    }
    if ("gzip".equalsIgnoreCase(headers.get("content-encoding")) && rawBody.length > 0) {
      rawBody = new GZIPInputStream(new ByteArrayInputStream(rawBody)).readAllBytes();
    }
    return new Raw(status, headers, new String(rawBody, StandardCharsets.UTF_8));
  }

  private static byte[] readAll(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = s.getInputStream().read(buffer)) != -1) {
        out.write(buffer, 0, n);
      }
    } catch (SocketException e) {
      // a reset after the response (unread request bytes) still leaves the response readable
      if (out.size() == 0) {
        throw e;
      }
    }
    return out.toByteArray();
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < body.length) {
      int lineEnd = indexOf(body, i);
      if (lineEnd < 0) {
        break;
      }
      String sizeLine =
          new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
      int size = Integer.parseInt(sizeLine, 16);
      if (size == 0) {
        break;
      }
      out.write(body, lineEnd + 2, size);
      i = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length - 1; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  static String abbreviate(String s) {
    String printable = s.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 200
        ? printable.substring(0, 200) + "…(" + s.length() + ")"
        : printable;
  }
}
