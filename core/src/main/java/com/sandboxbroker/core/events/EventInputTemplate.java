package com.sandboxbroker.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders an EventBridge Pipes input template against a JSON document the way a pipe does for the
 * template shape the broker uses: each unquoted {@code <$.a.b.c>} placeholder (dot notation) is
 * replaced by the JSON value at that path — a string stays a quoted string, an object stays an
 * object — and by {@code null} when the path is absent. Quoted placeholders and reserved variables
 * are refused at construction: the local feed must produce what the pipe produces.
 */
public final class EventInputTemplate {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("<([^<>]*)>");
  private static final Pattern PATH = Pattern.compile("\\$(\\.[A-Za-z0-9_-]+)+");

  private final String template;

  public EventInputTemplate(String template) {
    this.template = template;
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!PATH.matcher(m.group(1)).matches()) {
        throw new IllegalArgumentException("unsupported placeholder <" + m.group(1) + ">");
      }
      if (m.start() > 0 && template.charAt(m.start() - 1) == '"') {
        throw new IllegalArgumentException("quoted placeholder <" + m.group(1) + ">");
      }
    }
  }

  public ObjectNode render(JsonNode source) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      JsonNode value = at(source, m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "null" : value.toString()));
    }
    m.appendTail(out);
    try {
      return (ObjectNode) JSON.readTree(out.toString());
    } catch (Exception e) {
      throw new IllegalStateException("the template did not render to a JSON object", e);
    }
  }

  private static JsonNode at(JsonNode source, String path) {
    JsonNode node = source;
    for (String part : path.substring(2).split("\\.")) {
      if (node == null || !node.isObject()) {
        return null;
      }
      node = node.get(part);
    }
    return node;
  }
}
