package com.sandboxbroker.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.service.testing.TestBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 item 9: authentication comes before the body limit. A request without a valid token
 * learns only that it is unauthenticated (401 in the contract's shape), whatever body it sends, on
 * every route including the token route with its larger limit; an authenticated one with a large
 * body gets 413. Neither answer waits for the end of a body: a chunked body that never ends is
 * answered at once. Before the fix (the limit was a servlet filter ahead of Jersey) every
 * unauthenticated large body got 413.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BodyLimitOrderIT {
  private static final String LARGE = "x".repeat(100_000);
  private static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static HttpResponse<String> post(
      String path, String authorization, HttpRequest.BodyPublisher body) {
    HttpRequest.Builder b =
        broker
            .request(path, null)
            .header("X-Instruqt-Sandbox-ID", "big")
            .header("Content-Type", "application/json")
            .POST(body);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return broker.send(b.build());
  }

  @Test
  void aLargeBodyWithoutAValidTokenIs401() {
    for (String path :
        new String[] {
          "/v1/allocate",
          "/v1/admin/tokens",
          "/v1/admin/bulk-delete?status=deleted",
          "/v1/no-such-route"
        }) {
      HttpResponse<String> none = post(path, null, HttpRequest.BodyPublishers.ofString(LARGE));
      assertThat(none.statusCode()).as(path + " " + none.body()).isEqualTo(401);
      assertThat(none.body()).contains("\"code\":\"UNAUTHORIZED\"");
      assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
      HttpResponse<String> wrong =
          post(path, "Bearer not-a-token", HttpRequest.BodyPublishers.ofString(LARGE));
      assertThat(wrong.statusCode()).as(path + " " + wrong.body()).isEqualTo(401);
      assertThat(wrong.body()).contains("\"code\":\"UNAUTHORIZED\"");
      // a chunked body (no Content-Length) too
      HttpResponse<String> chunked =
          post(
              path,
              "Bearer not-a-token",
              HttpRequest.BodyPublishers.ofInputStream(BodyLimitOrderIT::largeStream));
      assertThat(chunked.statusCode()).as(path + " " + chunked.body()).isEqualTo(401);
    }
  }

  @Test
  void anAuthenticatedLargeBodyIs413InTheContractShape() {
    for (String[] c :
        new String[][] {
          {"/v1/allocate", TestBroker.TRACK_TOKEN}, {"/v1/admin/tokens", TestBroker.ADMIN_TOKEN}
        }) {
      HttpResponse<String> declared =
          post(c[0], "Bearer " + c[1], HttpRequest.BodyPublishers.ofString(LARGE));
      assertThat(declared.statusCode()).as(c[0] + " " + declared.body()).isEqualTo(413);
      assertThat(declared.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
      assertThat(declared.headers().firstValue("X-Request-ID")).isPresent();
      HttpResponse<String> chunked =
          post(
              c[0],
              "Bearer " + c[1],
              HttpRequest.BodyPublishers.ofInputStream(BodyLimitOrderIT::largeStream));
      assertThat(chunked.statusCode()).as(c[0] + " " + chunked.body()).isEqualTo(413);
      assertThat(chunked.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
    }
  }

  @Test
  void aChunkedBodyWithinTheLimitIsHandedOn() {
    byte[] spec = "{\"tenant\":\"chunked\"}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> issued =
        post(
            "/v1/admin/tokens",
            "Bearer " + TestBroker.ADMIN_TOKEN,
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(spec)));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    assertThat(issued.body()).contains("\"tenant\":\"chunked\"");
  }

  /**
   * A chunked body that never ends: the answer comes without waiting for it (nothing buffers a body
   * to its end), 401 for a stranger and 413 for a known caller past the limit.
   */
  @Test
  void anEndlessChunkedBodyIsAnsweredWithoutReadingItToTheEnd() throws IOException {
    assertThat(statusForEndlessBody(null)).isEqualTo(401);
    assertThat(statusForEndlessBody("not-a-token")).isEqualTo(401);
    assertThat(statusForEndlessBody(TestBroker.TRACK_TOKEN)).isEqualTo(413);
  }

  private static int statusForEndlessBody(String token) throws IOException {
    try (Socket socket = new Socket(broker.uri("/").getHost(), broker.uri("/").getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /v1/allocate HTTP/1.1\r\nHost: localhost\r\nX-Instruqt-Sandbox-ID: endless\r\n"
              + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
              + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = "y".repeat(8192).getBytes(StandardCharsets.US_ASCII);
      out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(chunk);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush(); // and no terminating chunk, ever
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      try {
        int b;
        while ((b = in.read()) != -1) {
          seen.write(b);
          String text = seen.toString(StandardCharsets.US_ASCII);
          if (text.contains("\r\n\r\n")) {
            return Integer.parseInt(text.substring(9, 12));
          }
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer within 30 s: the server waited for the body's end", e);
      }
      throw new AssertionError("connection closed without an answer: " + seen);
    }
  }

  private static InputStream largeStream() {
    return new ByteArrayInputStream(LARGE.getBytes(StandardCharsets.US_ASCII));
  }
}
