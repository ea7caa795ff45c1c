package com.sandboxbroker.cdk;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle events deployed (contract §8): the table's stream, one pipe from it (filter, input
 * transformation, DLQ) into the custom bus with its archive, least-privilege role, the delivery
 * alarms; and the pipe's own transformation, applied to a sample stream record, against the
 * documented JSON Schema.
 */
class LifecycleEventsTemplateTest {
  private static final Path EVENTS_DOCS = SynthesizedBroker.REPO_ROOT.resolve("docs/events");

  private final SynthesizedBroker broker = SynthesizedBroker.get();

  private JsonNode only(String type) {
    Map<String, JsonNode> found = broker.resources(type);
    assertThat(found).as(type).hasSize(1);
    return found.values().iterator().next();
  }

  private String logicalId(String type) {
    Map<String, JsonNode> found = broker.resources(type);
    assertThat(found).as(type).hasSize(1);
    return found.keySet().iterator().next();
  }

  private JsonNode pipeProps() {
    return only("AWS::Pipes::Pipe").get("Properties");
  }

  @Test
  void theTableStreamsNewAndOldImages() {
    JsonNode spec = only("AWS::DynamoDB::Table").get("Properties").get("StreamSpecification");
    assertThat(spec.get("StreamViewType").asText()).isEqualTo("NEW_AND_OLD_IMAGES");
  }

  @Test
  void onePipeFromTheTableStreamToTheStagesBus() {
    JsonNode props = pipeProps();
    String table = logicalId("AWS::DynamoDB::Table");
    assertThat(props.get("Source").get("Fn::GetAtt").get(0).asText()).isEqualTo(table);
    assertThat(props.get("Source").get("Fn::GetAtt").get(1).asText()).isEqualTo("StreamArn");
    String bus = logicalId("AWS::Events::EventBus");
    assertThat(props.get("Target").get("Fn::GetAtt").get(0).asText()).isEqualTo(bus);
    assertThat(only("AWS::Events::EventBus").get("Properties").get("Name").asText())
        .isEqualTo(EventContract.busName(broker.settings.stage()));

    JsonNode stream = props.get("SourceParameters").get("DynamoDBStreamParameters");
    assertThat(stream.get("StartingPosition").asText()).isEqualTo("LATEST");
    assertThat(stream.get("MaximumRetryAttempts").asInt()).isBetween(1, 185);
    String dlq = logicalId("AWS::SQS::Queue");
    assertThat(stream.get("DeadLetterConfig").get("Arn").get("Fn::GetAtt").get(0).asText())
        .isEqualTo(dlq);

    JsonNode filters = props.get("SourceParameters").get("FilterCriteria").get("Filters");
    assertThat(filters).hasSize(1);
    JsonNode pattern = parse(filters.get(0).get("Pattern").asText());
    assertThat(pattern).isEqualTo(parse(EventContract.FILTER_PATTERN));

    JsonNode target = props.get("TargetParameters");
    assertThat(target.get("InputTemplate").asText()).isEqualTo(EventContract.INPUT_TEMPLATE);
    assertThat(target.get("EventBridgeEventBusParameters").get("Source").asText())
        .isEqualTo(EventContract.SOURCE);
    assertThat(target.get("EventBridgeEventBusParameters").get("DetailType").asText())
        .isEqualTo(EventContract.DETAIL_TYPE_PATH);
  }

  @Test
  void theBusIsArchivedForReplay() {
    JsonNode archive = only("AWS::Events::Archive").get("Properties");
    assertThat(archive.get("SourceArn").get("Fn::GetAtt").get(0).asText())
        .isEqualTo(logicalId("AWS::Events::EventBus"));
    assertThat(archive.get("EventPattern").get("source").get(0).asText())
        .isEqualTo(EventContract.SOURCE);
    assertThat(archive.get("RetentionDays").asInt()).isGreaterThanOrEqualTo(90);
  }

  @Test
  void theDeadLetterQueueIsEncryptedAndRefusesPlainHttp() {
    JsonNode queue = only("AWS::SQS::Queue").get("Properties");
    assertThat(queue.get("SqsManagedSseEnabled").asBoolean()).isTrue();
    assertThat(queue.get("MessageRetentionPeriod").asInt()).isEqualTo(14 * 24 * 3600);
    JsonNode policy =
        only("AWS::SQS::QueuePolicy")
            .get("Properties")
            .get("PolicyDocument")
            .get("Statement")
            .get(0);
    assertThat(policy.get("Effect").asText()).isEqualTo("Deny");
    assertThat(policy.get("Condition").get("Bool").get("aws:SecureTransport").asText())
        .isEqualTo("false");
  }

  @Test
  void thePipeRoleMayOnlyReadTheStreamPutOnTheBusAndDeadLetter() {
    String roleId = pipeProps().get("RoleArn").get("Fn::GetAtt").get(0).asText();
    JsonNode role = broker.json.get("Resources").get(roleId).get("Properties");
    JsonNode trust = role.get("AssumeRolePolicyDocument").get("Statement").get(0);
    assertThat(trust.get("Principal").get("Service").asText()).isEqualTo("pipes.amazonaws.com");
    assertThat(trust.get("Condition").get("StringEquals").has("aws:SourceAccount")).isTrue();
    assertThat(role.has("ManagedPolicyArns")).isFalse();
    List<String> grants = new ArrayList<>();
    for (JsonNode policy : role.get("Policies")) {
      for (JsonNode st : policy.get("PolicyDocument").get("Statement")) {
        assertThat(st.get("Effect").asText()).isEqualTo("Allow");
        assertThat(st.get("Resource").toString()).doesNotContain("\"*\"");
        JsonNode actions = st.get("Action");
        (actions.isArray() ? actions : List.of(actions))
            .forEach(a -> grants.add(((JsonNode) a).asText()));
      }
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
    broker
        .resources("AWS::IAM::Policy")
        .values()
        .forEach(
            p -> assertThat(p.get("Properties").get("Roles").toString()).doesNotContain(roleId));
  }

  @Test
  void pipeFailuresAndDeadLettersAlarmWithTheirRunbook() {
    List<JsonNode> alarms = new ArrayList<>();
    broker
        .resources("AWS::CloudWatch::Alarm")
        .values()
        .forEach(
            a -> {
              if (a.get("Properties")
                  .get("AlarmDescription")
                  .asText()
                  .contains(LifecycleEvents.RUNBOOK)) {
                alarms.add(a.get("Properties"));
              }
            });
    assertThat(alarms).hasSize(2);
    String pipeName = pipeProps().get("Name").asText();
    String all = alarms.toString();
    assertThat(all)
        .contains("AWS/EventBridge/Pipes", "ExecutionFailed", "TargetStageFailed", pipeName);
    assertThat(all).contains("ApproximateNumberOfMessagesVisible");
    alarms.forEach(a -> assertThat(a.get("AlarmActions")).isNotEmpty());
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
    JsonNode props = pipeProps();
    EventFilterPattern filter =
        new EventFilterPattern(
            props
                .get("SourceParameters")
                .get("FilterCriteria")
                .get("Filters")
                .get(0)
                .get("Pattern")
                .asText());
    EventInputTemplate template =
        new EventInputTemplate(props.get("TargetParameters").get("InputTemplate").asText());
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
    JsonNode props = pipeProps();
    EventFilterPattern filter =
        new EventFilterPattern(
            props
                .get("SourceParameters")
                .get("FilterCriteria")
                .get("Filters")
                .get(0)
                .get("Pattern")
                .asText());
    EventInputTemplate template =
        new EventInputTemplate(props.get("TargetParameters").get("InputTemplate").asText());
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

  private static JsonNode parse(String json) {
    try {
      return SynthesizedBroker.JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
