package com.sandboxbroker.cdk;

import static com.sandboxbroker.cdk.Templates.assertMatches;
import static com.sandboxbroker.cdk.Templates.containing;
import static com.sandboxbroker.cdk.Templates.dimension;
import static com.sandboxbroker.cdk.Templates.metricLike;
import static com.sandboxbroker.cdk.Templates.withProperties;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.events.EventFilterPattern;
import com.sandboxbroker.core.events.EventInputTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Lifecycle events deployed (contract §8): the table's stream, one pipe from it (filter, input
 * transformation, DLQ) into the custom bus with its archive, least-privilege role, the delivery
 * alarms; and the pipe's own transformation, applied to a sample stream record, against the
 * documented JSON Schema.
 */
class LifecycleEventsTemplateTest {
  private static final Path EVENTS_DOCS = SynthesizedBroker.REPO_ROOT.resolve("docs/events");

  private final SynthesizedBroker broker = SynthesizedBroker.get();

  private static final String PIPE = "AWS::Pipes::Pipe";

  private final Template template = broker.template;

  /** A reference to the Arn (or another attribute) of the resource. */
  private static Map<String, Object> attributeOf(String logicalId) {
    return Map.of("Fn::GetAtt", List.of(logicalId, Match.anyValue()));
  }

  /** The pipe's filter (its one filter's pattern) and its input template, as synthesized. */
  private record Transformation(EventFilterPattern filter, EventInputTemplate template) {}

  private Transformation transformation() {
    Capture pattern = new Capture();
    Capture inputTemplate = new Capture();
    template.resourceCountIs(PIPE, 1);
    template.hasResourceProperties(
        PIPE,
        Match.objectLike(
            Map.of(
                "SourceParameters",
                Match.objectLike(
                    Map.of(
                        "FilterCriteria", Map.of("Filters", List.of(Map.of("Pattern", pattern))))),
                "TargetParameters",
                Match.objectLike(Map.of("InputTemplate", inputTemplate)))));
    return new Transformation(
        new EventFilterPattern(pattern.asString()),
        new EventInputTemplate(inputTemplate.asString()));
  }

  @Test
  void theTableStreamsNewAndOldImages() {
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Match.objectLike(
            Map.of(
                "StreamSpecification",
                Match.objectLike(Map.of("StreamViewType", "NEW_AND_OLD_IMAGES")))));
  }

  @Test
  void onePipeFromTheTableStreamToTheStagesBus() throws Exception {
    // getResourceId without properties: there is exactly one of each
    String table = template.getResourceId("AWS::DynamoDB::Table");
    String bus = template.getResourceId("AWS::Events::EventBus");
    String dlq = template.getResourceId("AWS::SQS::Queue");
    template.hasResourceProperties(
        "AWS::Events::EventBus",
        Match.objectLike(Map.of("Name", EventContract.busName(broker.settings.stage()))));
    template.resourceCountIs(PIPE, 1);
    Capture retries = new Capture();
    template.hasResourceProperties(
        PIPE,
        Match.objectLike(
            Map.of(
                "Source",
                Map.of("Fn::GetAtt", List.of(table, "StreamArn")),
                "Target",
                attributeOf(bus),
                "SourceParameters",
                Match.objectLike(
                    Map.of(
                        "DynamoDBStreamParameters",
                        Match.objectLike(
                            Map.of(
                                "StartingPosition",
                                "LATEST",
                                "MaximumRetryAttempts",
                                retries,
                                "DeadLetterConfig",
                                Map.of("Arn", attributeOf(dlq)))),
                        "FilterCriteria",
                        Map.of(
                            "Filters",
                            List.of(
                                Map.of(
                                    "Pattern",
                                    Match.serializedJson(
                                        Match.exact(
                                            SynthesizedBroker.JSON.readValue(
                                                EventContract.FILTER_PATTERN, Map.class)))))))),
                "TargetParameters",
                Match.objectLike(
                    Map.of(
                        "InputTemplate",
                        EventContract.INPUT_TEMPLATE,
                        "EventBridgeEventBusParameters",
                        Match.objectLike(
                            Map.of(
                                "Source",
                                EventContract.SOURCE,
                                "DetailType",
                                EventContract.DETAIL_TYPE_PATH)))))));
    assertThat(retries.asNumber().intValue()).isBetween(1, 185);
  }

  @Test
  void theBusIsArchivedForReplay() {
    template.resourceCountIs("AWS::Events::Archive", 1);
    Capture retentionDays = new Capture();
    template.hasResourceProperties(
        "AWS::Events::Archive",
        Match.objectLike(
            Map.of(
                "SourceArn",
                attributeOf(template.getResourceId("AWS::Events::EventBus")),
                "EventPattern",
                Match.objectLike(Map.of("source", Match.arrayWith(List.of(EventContract.SOURCE)))),
                "RetentionDays",
                retentionDays)));
    assertThat(retentionDays.asNumber().intValue()).isGreaterThanOrEqualTo(90);
  }

  @Test
  void theDeadLetterQueueIsEncryptedAndRefusesPlainHttp() {
    template.resourceCountIs("AWS::SQS::Queue", 1);
    template.hasResourceProperties(
        "AWS::SQS::Queue",
        Match.objectLike(
            Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 14 * 24 * 3600)));
    template.resourceCountIs("AWS::SQS::QueuePolicy", 1);
    template.hasResourceProperties(
        "AWS::SQS::QueuePolicy",
        Templates.policyWithStatement(
            Map.of(
                "Effect",
                "Deny",
                "Condition",
                Match.objectLike(
                    Map.of("Bool", Match.objectLike(Map.of("aws:SecureTransport", "false")))))));
  }

  @Test
  void thePipeRoleMayOnlyReadTheStreamPutOnTheBusAndDeadLetter() {
    Map<String, Object> trustsPipes =
        Map.of(
            "AssumeRolePolicyDocument",
            Templates.documentWithStatement(
                Map.of(
                    "Principal",
                    Map.of("Service", "pipes.amazonaws.com"),
                    "Condition",
                    Match.objectLike(
                        Map.of(
                            "StringEquals",
                            Match.objectLike(Map.of("aws:SourceAccount", Match.anyValue())))))));
    String roleId = template.getResourceId("AWS::IAM::Role", withProperties(trustsPipes));
    template.hasResourceProperties(
        PIPE, Match.objectLike(Map.of("RoleArn", Map.of("Fn::GetAtt", List.of(roleId, "Arn")))));
    Capture policies = new Capture();
    Map<String, Object> role = new HashMap<>(trustsPipes);
    role.put("ManagedPolicyArns", Match.absent());
    role.put("Policies", policies);
    template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(role));
    List<String> grants = new ArrayList<>();
    for (Object statement : statements(policies.asArray())) {
      // allowed, and on named resources: no statement on "*"
      assertMatches(roleId, statement, Match.objectLike(Map.of("Effect", "Allow")));
      assertMatches(
          roleId,
          statement,
          Match.objectLike(Map.of("Resource", Match.not(Match.arrayWith(List.of("*"))))));
      assertMatches(roleId, statement, Match.objectLike(Map.of("Resource", Match.not("*"))));
      grants.addAll(actions(statement));
    }
    assertThat(grants)
        .containsExactlyInAnyOrder(
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
            "events:PutEvents",
            "sqs:SendMessage");
    // no other policy is attached to the role
    assertThat(
            template.findResources(
                "AWS::IAM::Policy",
                withProperties(Map.of("Roles", Match.arrayWith(List.of(Map.of("Ref", roleId)))))))
        .isEmpty();
  }

  /**
   * The statements of a role's inline policies (a captured list of policy documents): the API
   * matches one statement at a time, and the test needs all of them.
   */
  @SuppressWarnings("unchecked")
  private static List<Object> statements(List<Object> policies) {
    List<Object> statements = new ArrayList<>();
    for (Object policy : policies) {
      Map<String, Object> document =
          (Map<String, Object>) ((Map<String, Object>) policy).get("PolicyDocument");
      statements.addAll((List<Object>) document.get("Statement"));
    }
    return statements;
  }

  /** A statement's Action: one action or a list of them. */
  @SuppressWarnings("unchecked")
  private static List<String> actions(Object statement) {
    Object action = ((Map<String, Object>) statement).get("Action");
    return action instanceof List<?> list ? (List<String>) list : List.of((String) action);
  }

  @Test
  void pipeFailuresAndDeadLettersAlarmWithTheirRunbook() {
    Map<String, Object> namesTheRunbook =
        Map.of("AlarmDescription", containing(LifecycleEvents.RUNBOOK));
    assertThat(template.findResources("AWS::CloudWatch::Alarm", withProperties(namesTheRunbook)))
        .hasSize(2);
    // both notify someone
    assertThat(
            template.findResources(
                "AWS::CloudWatch::Alarm",
                withProperties(
                    Map.of(
                        "AlarmDescription",
                        containing(LifecycleEvents.RUNBOOK),
                        "AlarmActions",
                        Match.arrayWith(List.of(Match.not(Match.absent())))))))
        .hasSize(2);
    Capture pipeName = new Capture();
    template.hasResourceProperties(PIPE, Match.objectLike(Map.of("Name", pipeName)));
    for (String metric : List.of("ExecutionFailed", "TargetStageFailed")) {
      template.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Match.objectLike(
              Map.of(
                  "AlarmDescription",
                  containing(LifecycleEvents.RUNBOOK),
                  "Metrics",
                  Match.arrayWith(
                      List.of(
                          metricLike(
                              Map.of(
                                  "Namespace",
                                  "AWS/EventBridge/Pipes",
                                  "MetricName",
                                  metric,
                                  "Dimensions",
                                  List.of(dimension("PipeName", pipeName.asString())))))))));
    }
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "AlarmDescription",
                containing(LifecycleEvents.RUNBOOK),
                "MetricName",
                "ApproximateNumberOfMessagesVisible")));
    assertThat(Files.isRegularFile(SynthesizedBroker.REPO_ROOT.resolve(LifecycleEvents.RUNBOOK)))
        .isTrue();
  }

  /**
   * The pipe's filter and input template, as synthesized, applied to a sample DynamoDB stream
   * record (with EventBridge Pipes' substitution rules, core's EventInputTemplate): the result is
   * valid against docs/events/lifecycle-event.schema.json and says what the record says. The
   * documented sample event's detail is exactly that result.
   */
  @Test
  void theTransformationOfASampleStreamRecordMatchesTheDocumentedSchema() throws Exception {
    Transformation pipe = transformation();
    EventFilterPattern filter = pipe.filter();
    EventInputTemplate template = pipe.template();
    JsonNode record =
        SynthesizedBroker.JSON.readTree(EVENTS_DOCS.resolve("sample-stream-record.json").toFile());

    assertThat(filter.matches(record)).isTrue();
    ObjectNode event = template.render(record);
    assertThat(validate(event)).isEmpty();
    assertThat(event.get("id").asText()).isEqualTo(record.get("eventID").asText());
    assertThat(event.get("type").asText()).isEqualTo("sandbox.extended");
    assertThat(event.get("expires_at").asText()).isEqualTo("1764699200");
    assertThat(event.get("previous_expires_at").asText()).isEqualTo("1764572800");
    assertThat(event.get("tenant").asText()).isEqualTo("adventure");
    assertThat(event.get("pool").asText()).isEqualTo("lab-adventure");
    JsonNode documented =
        SynthesizedBroker.JSON.readTree(EVENTS_DOCS.resolve("sample-event.json").toFile());
    assertThat(documented.get("detail")).isEqualTo(event);
    assertThat(documented.get("detail-type").asText()).isEqualTo(event.get("type").asText());

    // a write that is not an event (the marker removed) is filtered out; so is a removal
    ObjectNode unmarked = record.deepCopy();
    ((ObjectNode) unmarked.get("dynamodb").get("NewImage"))
        .remove(EventContract.LIFECYCLE_EVENT_ATTRIBUTE);
    assertThat(filter.matches(unmarked)).isFalse();
    ObjectNode removal = record.deepCopy();
    removal.put("eventName", "REMOVE");
    assertThat(filter.matches(removal)).isFalse();

    // the schema is not a rubber stamp: a wrong type or a number where the stream gives a string
    // fails
    ObjectNode wrong = event.deepCopy();
    wrong.put("type", "sandbox.renamed");
    assertThat(validate(wrong)).isNotEmpty();
    ObjectNode numeric = event.deepCopy();
    numeric.put("expires_at", 1764699200L);
    assertThat(validate(numeric)).isNotEmpty();
  }

  /**
   * The same check for a pool-state flip (the refresher's {@code pool.low} / {@code
   * pool.recovered}): the documented sample record of the pool-state item passes the filter and
   * renders to a schema-valid event with the pool's fields, numbers as strings of digits.
   */
  @Test
  void theTransformationOfAPoolStateFlipMatchesTheDocumentedSchema() throws Exception {
    Transformation pipe = transformation();
    EventFilterPattern filter = pipe.filter();
    EventInputTemplate template = pipe.template();
    JsonNode record =
        SynthesizedBroker.JSON.readTree(
            EVENTS_DOCS.resolve("sample-pool-stream-record.json").toFile());

    assertThat(filter.matches(record)).isTrue();
    ObjectNode event = template.render(record);
    assertThat(validate(event)).isEmpty();
    assertThat(event.get("id").asText()).isEqualTo(record.get("eventID").asText());
    assertThat(event.get("type").asText()).isEqualTo("pool.low");
    assertThat(event.get("pool").asText()).isEqualTo("adventure");
    assertThat(event.get("available").asText()).isEqualTo("2");
    assertThat(event.get("low_water").asText()).isEqualTo("3");
    assertThat(event.get("time").asLong()).isEqualTo(1764443600L);
    assertThat(event.get("sandbox_id").isNull()).isTrue();
    assertThat(event.get("status").isNull()).isTrue();

    // a pool event without its pool, or with a count that is not a string of digits, is refused
    ObjectNode poolless = event.deepCopy();
    poolless.putNull("pool");
    assertThat(validate(poolless)).isNotEmpty();
    ObjectNode numeric = event.deepCopy();
    numeric.put("available", 2);
    assertThat(validate(numeric)).isNotEmpty();
  }

  static List<Error> validate(JsonNode event) throws Exception {
    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(Files.newInputStream(EVENTS_DOCS.resolve("lifecycle-event.schema.json")));
    return schema.validate(event);
  }
}
