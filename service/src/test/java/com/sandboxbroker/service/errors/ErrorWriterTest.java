package com.sandboxbroker.service.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The error vocabulary and its one writer; the API tests check the bodies over HTTP. */
class ErrorWriterTest {

  /**
   * Jetty's error pages were once written by string concatenation; the writer's bytes must be the
   * same, field for field and in the same order.
   */
  @Test
  void jettysErrorBodyIsByteForByteTheFormerHandWrittenOne() {
    String requestId = "req-1";
    String body = new String(ErrorWriter.bytesForStatus(431, requestId), StandardCharsets.UTF_8);

    assertThat(body)
        .isEqualTo(
            "{\"detail\":{\"code\":\"HEADERS_TOO_LARGE\",\"message\":\"Request headers too"
                + " large\",\"request_id\":\"req-1\"}}");
  }

  @Test
  void aBareStatusMapsToItsGenericCodeAndKeepsTheStatus() {
    assertThat(ErrorCode.forStatus(404)).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(ErrorCode.forStatus(405)).isEqualTo(ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(ErrorCode.forStatus(414)).isEqualTo(ErrorCode.URI_TOO_LONG);
    assertThat(ErrorCode.forStatus(416)).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(ErrorCode.forStatus(502)).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(ErrorWriter.forStatus(416).getStatus()).isEqualTo(416);
  }

  @Test
  void everyCodeHasAnErrorStatusAndAMessage() {
    assertThat(ErrorCode.values())
        .allSatisfy(
            code -> {
              assertThat(code.status()).isBetween(400, 599);
              assertThat(code.defaultMessage()).isNotBlank();
            });
  }

  @Test
  void unauthorizedNamesTheBearerScheme() {
    assertThat(ErrorWriter.response(ErrorCode.UNAUTHORIZED).getHeaderString("WWW-Authenticate"))
        .isEqualTo("Bearer");
    assertThat(
            Arrays.stream(ErrorCode.values())
                .filter(c -> c != ErrorCode.UNAUTHORIZED)
                .map(c -> ErrorWriter.response(c).getHeaderString("WWW-Authenticate")))
        .containsOnlyNulls();
  }

  @Test
  void aRetryableRefusalCarriesRetryAfterInTheHeader() {
    assertThat(
            ErrorWriter.retryable(ErrorCode.RATE_LIMIT_EXCEEDED, "slow down", 7, null)
                .getHeaderString("Retry-After"))
        .isEqualTo("7");
  }
}
