package com.sandboxbroker.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;

/**
 * Evaluates an EventBridge event pattern against a JSON document, for the subset of the pattern
 * language the broker's pipe uses: nested objects, arrays of literal values (any one must equal the
 * field), and {@code {"exists": true|false}}. Anything else is refused at construction, so the
 * local feed can never silently diverge from what the deployed pipe would match.
 */
public final class EventFilterPattern {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode pattern;

  public EventFilterPattern(String patternJson) {
    try {
      this.pattern = JSON.readTree(patternJson);
    } catch (Exception e) {
      throw new IllegalArgumentException("not a JSON pattern", e);
    }
    validate(pattern);
  }

  public boolean matches(JsonNode event) {
    return matchObject(pattern, event);
  }

  private static boolean matchObject(JsonNode pattern, JsonNode event) {
    Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode value = event == null ? null : event.get(f.getKey());
      if (f.getValue().isObject()) {
        if (value == null || !value.isObject() || !matchObject(f.getValue(), value)) {
          return false;
        }
      } else if (!matchLeaf(f.getValue(), value)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchLeaf(JsonNode alternatives, JsonNode value) {
    for (JsonNode alternative : alternatives) {
      if (alternative.isObject()) {
        boolean wantExists = alternative.get("exists").asBoolean();
        boolean exists = value != null && !value.isNull() && !value.isObject();
        if (wantExists == exists) {
          return true;
        }
      } else if (value != null
          && value.isValueNode()
          && alternative.asText().equals(value.asText())
          && alternative.isTextual() == value.isTextual()) {
        return true;
      }
    }
    return false;
  }

  private static void validate(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a pattern level must be an object");
    }
    node.fields()
        .forEachRemaining(
            f -> {
              JsonNode v = f.getValue();
              if (v.isObject()) {
                validate(v);
              } else if (v.isArray()) {
                for (JsonNode alt : v) {
                  boolean existsRule =
                      alt.isObject()
                          && alt.size() == 1
                          && alt.has("exists")
                          && alt.get("exists").isBoolean();
                  if (!alt.isValueNode() && !existsRule) {
                    throw new IllegalArgumentException(
                        "unsupported pattern operator under " + f.getKey());
                  }
                }
              } else {
                throw new IllegalArgumentException(
                    "a pattern leaf must be an array: " + f.getKey());
              }
            });
  }
}
