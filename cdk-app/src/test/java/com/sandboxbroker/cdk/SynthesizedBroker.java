package com.sandboxbroker.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.pool.PoolDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Template;

/**
 * The app synthesized once per test JVM (the first synth costs seconds, later ones well under one),
 * composed exactly as {@link SandboxBrokerApp#main} composes it, with cdk.json's context.
 */
final class SynthesizedBroker {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Surefire runs in the module directory. */
  static final Path MODULE_DIR = Path.of("").toAbsolutePath();

  static final Path REPO_ROOT = MODULE_DIR.getParent();

  private static final Map<Integer, SynthesizedBroker> BY_NAT_GATEWAYS = new HashMap<>();

  final BrokerSettings settings;
  final SandboxBrokerStack stack;
  final Template template;
  final JsonNode json;
  final Annotations annotations;
  final Path outdir;

  private SynthesizedBroker(int natGateways) {
    this(natGateways, List.of());
  }

  private static SynthesizedBroker withPools;

  /** Synthesized with configured pools (one low-water alarm per pool). */
  static synchronized SynthesizedBroker withPools() {
    if (withPools == null) {
      withPools =
          new SynthesizedBroker(
              1,
              List.of(
                  new PoolDefinition("adventure", "lab-adventure-", 5, 1),
                  new PoolDefinition("dns-basics", "lab-dns-basics-", 2, 2),
                  new PoolDefinition("unwatched", "lab-misc-", 0, 1)));
    }
    return withPools;
  }

  private SynthesizedBroker(int natGateways, List<PoolDefinition> pools) {
    JsonNode cdkJson = read(MODULE_DIR.resolve("cdk.json"));
    Map<String, Object> context = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = cdkJson.get("context").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      context.put(
          e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
    }
    this.outdir =
        MODULE_DIR.resolve(
            "target/cdk.out-test-" + natGateways + (pools.isEmpty() ? "" : "-pools"));
    App app = App.Builder.create().outdir(outdir.toString()).context(context).build();
    this.settings =
        BrokerSettings.defaults(
                (String) context.get("stage"),
                (String) context.get("owner"),
                (String) context.get("certificateArn"),
                REPO_ROOT)
            .withNatGateways(natGateways)
            .withPools(pools);
    Environment env =
        Environment.builder().account(Stages.DEV.account()).region(Stages.DEV.region()).build();
    this.stack = SandboxBrokerApp.compose(app, settings, env);
    this.template = Template.fromStack(stack);
    this.json = JSON.valueToTree(template.toJSON());
    this.annotations = Annotations.fromStack(stack);
  }

  /** The default layout (one NAT gateway), as cdk.json deploys it. */
  static synchronized SynthesizedBroker get() {
    return withNatGateways(1);
  }

  static synchronized SynthesizedBroker withNatGateways(int n) {
    return BY_NAT_GATEWAYS.computeIfAbsent(n, SynthesizedBroker::new);
  }

  /** Resources of one CloudFormation type, by logical id. */
  Map<String, JsonNode> resources(String type) {
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

  /**
   * A state machine's definition as plain ASL. The template holds it as an Fn::Join of literals and
   * references; references become placeholders ("REF_X", "ATT_X_Arn"), pseudo parameters their
   * values, which is all an ASL validator or a local executor needs.
   */
  JsonNode definition(JobName job) {
    String name = "sandbox-broker-" + settings.stage() + "-" + job.wireName();
    for (JsonNode machine : resources("AWS::StepFunctions::StateMachine").values()) {
      if (name.equals(machine.path("Properties").path("StateMachineName").asText())) {
        JsonNode definitionString = machine.get("Properties").get("DefinitionString");
        try {
          return JSON.readTree(flatten(definitionString));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new AssertionError("no state machine named " + name);
  }

  /** {@link #definition} written to target/asl/<job>.asl.json, for the node tools. */
  Path writeDefinition(JobName job) {
    try {
      Path file = MODULE_DIR.resolve("target/asl/" + job.wireName() + ".asl.json");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(definition(job)));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String flatten(JsonNode node) {
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.has("Fn::Join")) {
      StringBuilder out = new StringBuilder();
      String separator = node.get("Fn::Join").get(0).asText();
      JsonNode parts = node.get("Fn::Join").get(1);
      for (int i = 0; i < parts.size(); i++) {
        if (i > 0) {
          out.append(separator);
        }
        out.append(flatten(parts.get(i)));
      }
      return out.toString();
    }
    if (node.has("Ref")) {
      return switch (node.get("Ref").asText()) {
        case "AWS::Partition" -> "aws";
        case "AWS::Region" -> "eu-west-1";
        case "AWS::AccountId" -> "123456789012";
        case "AWS::URLSuffix" -> "amazonaws.com";
        default -> "REF_" + node.get("Ref").asText();
      };
    }
    if (node.has("Fn::GetAtt")) {
      return "ATT_"
          + node.get("Fn::GetAtt").get(0).asText()
          + "_"
          + node.get("Fn::GetAtt").get(1).asText();
    }
    throw new IllegalArgumentException("cannot flatten " + node);
  }

  static JsonNode read(Path file) {
    try {
      return JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
