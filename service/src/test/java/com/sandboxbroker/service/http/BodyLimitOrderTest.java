package com.sandboxbroker.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.service.testing.TestBroker;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Authentication comes before the body limit: a request without a valid token learns only that it
 * is unauthenticated (401), whatever body it sends; an authenticated one with a large body gets 413.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BodyLimitOrderTest {
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

  private static HttpResponse<String> post(String path, String authorization, HttpRequest.BodyPublisher body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(broker.uri(path)).header("X-Instruqt-Sandbox-ID", "big").POST(body);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return broker.send(b.build());
  }

  /** Before the fix every one of these answered 413: the limit ran before authentication. */
  @Test
  void aLargeBodyWithoutAValidTokenIs401() {
    for (String path : new String[] {"/v1/allocate", "/v1/admin/bulk-delete?status=deleted", "/v1/no-such-route"}) {
      HttpResponse<String> none = post(path, null, HttpRequest.BodyPublishers.ofString(LARGE));
      assertThat(none.statusCode()).as(path + " " + none.body()).isEqualTo(401);
      assertThat(none.body()).contains("\"code\":\"UNAUTHORIZED\"");
      HttpResponse<String> wrong = post(path, "Bearer not-a-token", HttpRequest.BodyPublishers.ofString(LARGE));
      assertThat(wrong.statusCode()).as(path + " " + wrong.body()).isEqualTo(401);
    }
    // a chunked body (no Content-Length) too
    HttpResponse<String> chunked =
        post("/v1/allocate", "Bearer not-a-token", HttpRequest.BodyPublishers.ofInputStream(BodyLimitOrderTest::largeStream));
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(401);
  }

  @Test
  void anAuthenticatedLargeBodyIs413InTheContractShape() {
    HttpResponse<String> declared =
        post("/v1/allocate", "Bearer " + TestBroker.TRACK_TOKEN, HttpRequest.BodyPublishers.ofString(LARGE));
    assertThat(declared.statusCode()).as(declared.body()).isEqualTo(413);
    assertThat(declared.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
    assertThat(declared.headers().firstValue("X-Request-ID")).isPresent();
    HttpResponse<String> chunked =
        post(
            "/v1/allocate", "Bearer " + TestBroker.TRACK_TOKEN,
            HttpRequest.BodyPublishers.ofInputStream(BodyLimitOrderTest::largeStream));
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
    assertThat(chunked.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
  }

  private static InputStream largeStream() {
    return new java.io.ByteArrayInputStream(LARGE.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
