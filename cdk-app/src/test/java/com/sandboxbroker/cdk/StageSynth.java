package com.sandboxbroker.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * The app as {@code cdk synth -c …} builds it: cdk.json's context plus the given values, through
 * {@link SandboxBrokerApp#build} (the code path of main), cached per context within the test JVM.
 */
final class StageSynth {
  /** A fixed clock: a preview's teardown time is then known to the test. */
  static final Instant NOW = Instant.parse("2026-11-29T20:00:30Z");

  private static final Map<Map<String, String>, StageSynth> CACHE = new ConcurrentHashMap<>();

  final App app;
  final SandboxBrokerStack stack;
  final Template template;
  final JsonNode json;

  private StageSynth(Map<String, String> extra) {
    JsonNode cdkJson = SynthesizedBroker.read(SynthesizedBroker.MODULE_DIR.resolve("cdk.json"));
    Map<String, Object> context = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = cdkJson.get("context").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      context.put(
          e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
    }
    context.put("repoRoot", SynthesizedBroker.REPO_ROOT.toString());
    context.putAll(extra);
    Path outdir =
        SynthesizedBroker.MODULE_DIR.resolve(
            "target/cdk.out-stage-" + Math.abs(new TreeMap<>(extra).hashCode()));
    this.app = App.Builder.create().outdir(outdir.toString()).context(context).build();
    this.stack = SandboxBrokerApp.build(app, NOW);
    this.template = Template.fromStack(stack);
    this.json = SynthesizedBroker.JSON.valueToTree(template.toJSON());
  }

  static StageSynth of(String... keyValues) {
    Map<String, String> extra = new TreeMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      extra.put(keyValues[i], keyValues[i + 1]);
    }
    return CACHE.computeIfAbsent(extra, StageSynth::new);
  }

  Stack other(String stackName) {
    return (Stack) app.getNode().tryFindChild(stackName);
  }

  Map<String, JsonNode> resources(String type) {
    return resources(json, type);
  }

  static Map<String, JsonNode> resources(JsonNode json, String type) {
    Map<String, JsonNode> result = new TreeMap<>();
    json.get("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              if (type.equals(e.getValue().path("Type").asText())) {
                result.put(e.getKey(), e.getValue());
              }
            });
    return result;
  }

  /** Unacknowledged AwsSolutions findings of one stack (errors and warnings). */
  static List<String> nagFindings(Stack stack) {
    Annotations annotations = Annotations.fromStack(stack);
    List<String> findings = new ArrayList<>();
    for (SynthesisMessage m :
        annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))) {
      findings.add("ERROR " + m.getId() + ": " + m.getEntry().getData());
    }
    for (SynthesisMessage m :
        annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))) {
      findings.add("WARN " + m.getId() + ": " + m.getEntry().getData());
    }
    return findings;
  }
}
