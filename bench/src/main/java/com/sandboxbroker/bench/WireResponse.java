package com.sandboxbroker.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A complete HTTP/1.1 response taken off the front of the load generator's buffer: just enough of
 * HTTP for the service's answers (status, Content-Length or chunked body, Connection: close).
 */
record WireResponse(int status, String body, boolean close) {

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

  /** The response at the front of the buffer, consumed from it; null when still incomplete. */
  static WireResponse parse(ByteBuffer in) {
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
    Head head = Head.parse(new String(a, 0, headerEnd, StandardCharsets.ISO_8859_1));
    Body body;
    if (head.chunked) {
      body = chunkedBody(a, headerEnd, len);
    } else if (head.contentLength >= 0) {
      body = lengthBody(a, headerEnd, len, head.contentLength);
    } else {
      return null; // close-delimited bodies: the service never sends them
    }
    if (body == null) {
      return null;
    }
    // keep whatever follows (nothing, with one request in flight per connection)
    in.flip();
    in.position(body.consumed);
    in.compact();
    return new WireResponse(head.status, body.text, head.close);
  }

  /** The status line and the headers that frame the body. */
  private record Head(int status, long contentLength, boolean chunked, boolean close) {
    static Head parse(String head) {
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
      return new Head(status, contentLength, chunked, close);
    }
  }

  /** A body and where the response ends in the buffer. */
  private record Body(String text, int consumed) {}

  private static Body lengthBody(byte[] a, int headerEnd, int len, long contentLength) {
    if (headerEnd + contentLength > len) {
      return null;
    }
    return new Body(
        new String(a, headerEnd, (int) contentLength, StandardCharsets.UTF_8),
        headerEnd + (int) contentLength);
  }

  private static Body chunkedBody(byte[] a, int headerEnd, int len) {
    StringBuilder b = new StringBuilder();
    int p = headerEnd;
    while (true) {
      int lineEnd = indexOfCrlf(a, p, len);
      if (lineEnd < 0) {
        return null;
      }
      String sizeText = new String(a, p, lineEnd - p, StandardCharsets.US_ASCII);
      int semi = sizeText.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
      p = lineEnd + 2;
      if (size == 0) {
        int trailerEnd = indexOfCrlf(a, p, len);
        if (trailerEnd < 0) {
          return null;
        }
        p = trailerEnd + 2; // no trailers from the service
        return new Body(b.toString(), p);
      }
      if (p + size + 2 > len) {
        return null;
      }
      b.append(new String(a, p, size, StandardCharsets.UTF_8));
      p += size + 2;
    }
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
