package com.sandboxbroker.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The validation rules of the CloudWatch embedded metric format specification that CloudWatch Logs
 * applies before it extracts metrics (a line that breaks one counts as an EMFValidationErrors and
 * publishes nothing). Written from the specification, independently of the library that writes the
 * lines, so a test can hold the library's output to it. {@link #violations} returns one readable
 * line per broken rule; empty means the line is valid.
 */
public final class EmfSpec {
  /** CloudWatch Logs' event size limit (the stricter, long-standing one). */
  public static final int MAX_EVENT_BYTES = 256 * 1024;

  public static final int MAX_METRICS_PER_DIRECTIVE = 100;
  public static final int MAX_VALUES_PER_METRIC = 100;
  public static final int MAX_DIMENSIONS_PER_SET = 30;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> UNITS =
      Set.of(
          "Seconds",
          "Microseconds",
          "Milliseconds",
          "Bytes",
          "Kilobytes",
          "Megabytes",
          "Gigabytes",
          "Terabytes",
          "Bits",
          "Kilobits",
          "Megabits",
          "Gigabits",
          "Terabits",
          "Percent",
          "Count",
          "Bytes/Second",
          "Kilobytes/Second",
          "Megabytes/Second",
          "Gigabytes/Second",
          "Terabytes/Second",
          "Bits/Second",
          "Kilobits/Second",
          "Megabits/Second",
          "Gigabits/Second",
          "Terabits/Second",
          "Count/Second",
          "None");

  private EmfSpec() {}

  public static List<String> violations(String line) {
    List<String> v = new ArrayList<>();
    if (line.getBytes(StandardCharsets.UTF_8).length > MAX_EVENT_BYTES) {
      v.add("event larger than " + MAX_EVENT_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (Exception e) {
      v.add("not JSON: " + e.getMessage());
      return v;
    }
    if (root == null || !root.isObject()) {
      v.add("root is not an object");
      return v;
    }
    JsonNode aws = root.get("_aws");
    if (aws == null || !aws.isObject()) {
      v.add("no _aws object");
      return v;
    }
    if (!aws.path("Timestamp").isIntegralNumber()) {
      v.add("_aws.Timestamp is not a number of epoch milliseconds");
    }
    JsonNode directives = aws.get("CloudWatchMetrics");
    if (directives == null || !directives.isArray() || directives.isEmpty()) {
      v.add("_aws.CloudWatchMetrics is not a non-empty array");
      return v;
    }
    for (JsonNode d : directives) {
      String ns = d.path("Namespace").asText("");
      if (!d.path("Namespace").isTextual() || ns.isEmpty() || ns.length() > 1024) {
        v.add("directive without a valid Namespace");
      }
      JsonNode dimensionSets = d.get("Dimensions");
      if (dimensionSets == null || !dimensionSets.isArray()) {
        v.add("directive without a Dimensions array");
      } else {
        for (JsonNode set : dimensionSets) {
          if (!set.isArray() || set.size() > MAX_DIMENSIONS_PER_SET) {
            v.add(
                "dimension set is not an array of at most "
                    + MAX_DIMENSIONS_PER_SET
                    + " names: "
                    + set);
            continue;
          }
          for (JsonNode name : set) {
            JsonNode member = root.get(name.asText());
            if (member == null
                || !member.isTextual()
                || member.asText().isEmpty()
                || member.asText().length() > 1024) {
              v.add("dimension " + name + " has no string member of 1-1024 characters on the root");
            }
          }
        }
      }
      JsonNode metrics = d.get("Metrics");
      if (metrics == null || !metrics.isArray()) {
        v.add("directive without a Metrics array");
        continue;
      }
      if (metrics.size() > MAX_METRICS_PER_DIRECTIVE) {
        v.add("more than " + MAX_METRICS_PER_DIRECTIVE + " metrics in one directive");
      }
      for (JsonNode m : metrics) {
        String name = m.path("Name").asText("");
        if (name.isEmpty() || name.length() > 1024) {
          v.add("metric definition without a Name of 1-1024 characters");
          continue;
        }
        if (m.has("Unit") && !UNITS.contains(m.get("Unit").asText())) {
          v.add("metric " + name + " has unit " + m.get("Unit") + ", not a CloudWatch unit");
        }
        if (m.has("StorageResolution")
            && !Set.of(1, 60).contains(m.get("StorageResolution").asInt())) {
          v.add("metric " + name + " has a StorageResolution other than 1 or 60");
        }
        JsonNode value = root.get(name);
        if (value == null) {
          v.add("metric " + name + " has no member on the root");
        } else if (value.isArray()) {
          if (value.size() > MAX_VALUES_PER_METRIC) {
            v.add(
                "metric "
                    + name
                    + " has "
                    + value.size()
                    + " values (at most "
                    + MAX_VALUES_PER_METRIC
                    + ")");
          }
          value.forEach(
              x -> {
                if (!x.isNumber()) {
                  v.add("metric " + name + " has a non-numeric value " + x);
                }
              });
        } else if (!value.isNumber()) {
          v.add("metric " + name + " is neither a number nor an array of numbers: " + value);
        }
      }
    }
    return v;
  }
}
