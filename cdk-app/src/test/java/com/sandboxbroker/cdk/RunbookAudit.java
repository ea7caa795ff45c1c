package com.sandboxbroker.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules every runbook keeps, checked against what is deployed (the synthesized CloudFormation
 * template's alarms) and what is served (the running app's OpenAPI document). Each method returns
 * the violations it found, one readable line each, so a failing build says exactly what to fix.
 */
final class RunbookAudit {
  static final List<String> SECTIONS = List.of("What it means", "Check", "Act", "Escalate");
  static final List<String> FRONT_MATTER = List.of("owner", "last_reviewed_on", "review_in");

  private static final Pattern RUNBOOK_REFERENCE =
      Pattern.compile("runbooks/([A-Za-z0-9._-]+\\.md)");
  private static final Pattern REVIEW_IN = Pattern.compile("\\d+\\s+(days?|weeks?|months?)");

  /** An admin API call: {@code $BROKER/…} or {@code ${BROKER}/…} (not {@code $BROKER_HOST}). */
  private static final Pattern API_CALL =
      Pattern.compile("\\$(?:\\{BROKER}|BROKER(?![A-Za-z0-9_]))(/[^\\s\"'`?)|\\\\]*)");

  private static final Pattern METHOD = Pattern.compile("(?:-X|--request)\\s+([A-Z]+)");

  private final Path runbooks;

  RunbookAudit(Path runbooks) {
    this.runbooks = runbooks;
  }

  /** Every page except the index. */
  List<Path> pages() {
    try (Stream<Path> files = Files.list(runbooks)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".md"))
          .filter(p -> !p.getFileName().toString().equals("README.md"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Alarms of the template whose description names no runbook, or names one that is missing. */
  List<String> alarmsWithoutPage(JsonNode template) {
    List<String> violations = new ArrayList<>();
    Map<String, JsonNode> alarms = alarms(template);
    for (var alarm : alarms.entrySet()) {
      String description = text(alarm.getValue().path("Properties").path("AlarmDescription"));
      Matcher m = RUNBOOK_REFERENCE.matcher(description);
      if (!m.find()) {
        violations.add(
            "alarm "
                + alarm.getKey()
                + ": description names no runbooks/<page>.md: "
                + description);
      } else if (!Files.isRegularFile(runbooks.resolve(m.group(1)))) {
        violations.add(
            "alarm "
                + alarm.getKey()
                + ": runbook page runbooks/"
                + m.group(1)
                + " does not exist");
      }
    }
    return violations;
  }

  static Map<String, JsonNode> alarms(JsonNode template) {
    Map<String, JsonNode> alarms = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields();
        it.hasNext(); ) {
      var resource = it.next();
      if ("AWS::CloudWatch::Alarm".equals(resource.getValue().path("Type").asText())) {
        alarms.put(resource.getKey(), resource.getValue());
      }
    }
    return alarms;
  }

  /** Front matter keys and the four sections, in order, on every page. */
  List<String> structure() {
    List<String> violations = new ArrayList<>();
    for (Path page : pages()) {
      violations.addAll(structure(page.getFileName().toString(), read(page)));
    }
    return violations;
  }

  static List<String> structure(String name, String text) {
    List<String> violations = new ArrayList<>();
    Map<String, String> front = frontMatter(text);
    if (front == null) {
      violations.add(
          name + ": no front matter (--- owner / last_reviewed_on / review_in ---) at the top");
      front = Map.of();
    }
    for (String key : FRONT_MATTER) {
      if (front.getOrDefault(key, "").isBlank()) {
        violations.add(name + ": front matter lacks " + key);
      }
    }
    if (!front.getOrDefault("last_reviewed_on", "").isBlank()) {
      try {
        LocalDate.parse(front.get("last_reviewed_on"));
      } catch (DateTimeParseException e) {
        violations.add(name + ": last_reviewed_on is not an ISO date (yyyy-mm-dd)");
      }
    }
    if (!front.getOrDefault("review_in", "").isBlank()
        && !REVIEW_IN.matcher(front.get("review_in")).matches()) {
      violations.add(name + ": review_in must read like '90 days', '12 weeks' or '6 months'");
    }
    int from = 0;
    for (String section : SECTIONS) {
      Matcher m = Pattern.compile("(?m)^## " + Pattern.quote(section) + "\\s*$").matcher(text);
      if (!m.find()) {
        violations.add(name + ": no '## " + section + "' section");
      } else if (m.start() < from) {
        violations.add(name + ": '## " + section + "' is out of order (expected " + SECTIONS + ")");
      } else {
        from = m.start();
      }
    }
    return violations;
  }

  /** The {@code key: value} lines between the opening and closing {@code ---}, or null. */
  static Map<String, String> frontMatter(String text) {
    List<String> lines = text.lines().toList();
    if (lines.isEmpty() || !lines.get(0).equals("---")) {
      return null;
    }
    Map<String, String> front = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.equals("---")) {
        return front;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        String value = line.substring(colon + 1).replaceFirst("\\s+#.*$", "").trim();
        front.put(line.substring(0, colon).trim(), value);
      }
    }
    return null;
  }

  /**
   * A call to the broker's API found in a page (a {@code curl} command line): its method and path
   * below the base path.
   */
  record ApiCall(String page, String method, String path) {
    @Override
    public String toString() {
      return page + ": " + method + " " + path;
    }
  }

  List<ApiCall> apiCalls() {
    List<ApiCall> calls = new ArrayList<>();
    for (Path page : pages()) {
      calls.addAll(apiCalls(page.getFileName().toString(), read(page)));
    }
    calls.addAll(apiCalls("README.md", read(runbooks.resolve("README.md"))));
    return calls;
  }

  static List<ApiCall> apiCalls(String name, String text) {
    List<ApiCall> calls = new ArrayList<>();
    // a command continued with a trailing backslash is one logical line
    for (String line : text.replace("\\\n", " ").lines().toList()) {
      // only commands count: a page may mention the dashboard or the docs by URL
      if (!line.contains("curl ")) {
        continue;
      }
      Matcher method = METHOD.matcher(line);
      String verb = method.find() ? method.group(1) : "GET";
      Matcher call = API_CALL.matcher(line);
      while (call.find()) {
        calls.add(new ApiCall(name, verb, call.group(1)));
      }
    }
    return calls;
  }

  /**
   * Calls naming a route the OpenAPI document lacks. A shell variable or a {@code <placeholder>} in
   * the page stands for a path parameter; a literal segment matches a literal or a parameter.
   */
  static List<String> unknownRoutes(List<ApiCall> calls, JsonNode openApi, String basePath) {
    List<String> violations = new ArrayList<>();
    for (ApiCall call : calls) {
      if (!routeExists(call, openApi, basePath)) {
        violations.add(call + " is not a route of the OpenAPI document");
      }
    }
    return violations;
  }

  private static boolean routeExists(ApiCall call, JsonNode openApi, String basePath) {
    List<String> wanted = segments(call.path());
    for (Iterator<Map.Entry<String, JsonNode>> it = openApi.path("paths").fields();
        it.hasNext(); ) {
      var path = it.next();
      String template = path.getKey();
      // paths may be written below the base path (servers: [/v1]) or with it
      if (template.startsWith(basePath + "/")) {
        template = template.substring(basePath.length());
      }
      if (matches(segments(template), wanted)
          && path.getValue().has(call.method().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(List<String> template, List<String> wanted) {
    if (template.size() != wanted.size()) {
      return false;
    }
    for (int i = 0; i < template.size(); i++) {
      String t = template.get(i);
      String w = wanted.get(i);
      boolean parameter = t.startsWith("{") && t.endsWith("}");
      boolean placeholder = w.startsWith("$") || w.startsWith("<");
      if (placeholder ? !parameter : !(parameter || t.equals(w))) {
        return false;
      }
    }
    return true;
  }

  private static List<String> segments(String path) {
    return Stream.of(path.split("/")).filter(s -> !s.isEmpty()).toList();
  }

  private static String text(JsonNode node) {
    // a description built with Fn::Join (tokens in it) still carries the page name as a literal
    return node.isTextual() ? node.asText() : node.toString();
  }

  private static String read(Path page) {
    try {
      return Files.readString(page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
