package com.sandboxbroker.core.store.dynamodb;

import com.sandboxbroker.core.store.InvalidCursorException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns DynamoDB's {@code LastEvaluatedKey} into an opaque URL-safe cursor and back. Decoding
 * accepts only key attributes of this table with string or number values, so a forged cursor is a
 * clean {@link InvalidCursorException} (the earlier broker answered 500).
 */
final class CursorCodec {
  private static final String VERSION = "c1";
  private static final char FIELD = '\u001f';
  private static final char ENTRY = '\u001e';

  private final Set<String> keyAttributes;

  CursorCodec(Set<String> keyAttributes) {
    this.keyAttributes = Set.copyOf(keyAttributes);
  }

  String encode(Map<String, AttributeValue> lastEvaluatedKey) {
    StringBuilder b = new StringBuilder(VERSION);
    for (var e : new TreeMap<>(lastEvaluatedKey).entrySet()) {
      AttributeValue v = e.getValue();
      boolean isString = v.s() != null;
      b.append(ENTRY)
          .append(e.getKey())
          .append(FIELD)
          .append(isString ? 'S' : 'N')
          .append(FIELD)
          .append(isString ? v.s() : v.n());
    }
    String crc = checksum(b);
    b.append(ENTRY).append(crc);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A CRC of the cursor's content: an edited or truncated cursor is refused instead of silently
   * starting the listing somewhere else. Integrity against accidents, not a secret: a cursor only
   * ever names a position in the caller's own listing.
   */
  private static String checksum(CharSequence content) {
    CRC32 crc = new CRC32();
    crc.update(content.toString().getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(crc.getValue());
  }

  Map<String, AttributeValue> decode(String cursor) {
    try {
      String signed = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int lastEntry = signed.lastIndexOf(ENTRY);
      if (lastEntry < 0
          || !checksum(signed.substring(0, lastEntry)).equals(signed.substring(lastEntry + 1))) {
        throw new InvalidCursorException();
      }
      String raw = signed.substring(0, lastEntry);
      String[] entries = raw.split(String.valueOf(ENTRY), -1);
      if (!entries[0].equals(VERSION) || entries.length < 2) {
        throw new InvalidCursorException();
      }
      Map<String, AttributeValue> key = new HashMap<>();
      for (int i = 1; i < entries.length; i++) {
        String[] f = entries[i].split(String.valueOf(FIELD), -1);
        if (f.length != 3 || !keyAttributes.contains(f[0]) || key.containsKey(f[0])) {
          throw new InvalidCursorException();
        }
        switch (f[1]) {
          case "S" -> key.put(f[0], AttributeValue.fromS(f[2]));
          case "N" -> key.put(f[0], AttributeValue.fromN(Long.toString(Long.parseLong(f[2]))));
          default -> throw new InvalidCursorException();
        }
      }
      return key;
    } catch (IllegalArgumentException e) { // bad base64 or a non-numeric N value
      throw new InvalidCursorException();
    }
  }
}
