package com.sandboxbroker.service.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * A DynamoDB stream record as an EventBridge Pipe sees it (the Lambda/Pipes event shape: {@code
 * eventID}, {@code eventName}, {@code dynamodb.NewImage} in DynamoDB JSON, numbers as strings,
 * {@code ApproximateCreationDateTime} in epoch seconds), so the local feed can apply the pipe's own
 * filter and template to it.
 */
final class StreamRecordJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private StreamRecordJson() {}

  static ObjectNode of(Record r) {
    ObjectNode out = F.objectNode();
    out.put("eventID", r.eventID());
    out.put("eventName", r.eventNameAsString());
    out.put("eventVersion", r.eventVersion());
    out.put("eventSource", "aws:dynamodb");
    out.put("awsRegion", r.awsRegion());
    ObjectNode ddb = out.putObject("dynamodb");
    var s = r.dynamodb();
    if (s.approximateCreationDateTime() != null) {
      ddb.put("ApproximateCreationDateTime", s.approximateCreationDateTime().getEpochSecond());
    }
    if (s.hasKeys()) {
      ddb.set("Keys", image(s.keys()));
    }
    if (s.hasNewImage()) {
      ddb.set("NewImage", image(s.newImage()));
    }
    if (s.hasOldImage()) {
      ddb.set("OldImage", image(s.oldImage()));
    }
    ddb.put("SequenceNumber", s.sequenceNumber());
    ddb.put("SizeBytes", s.sizeBytes());
    ddb.put("StreamViewType", s.streamViewTypeAsString());
    return out;
  }

  static ObjectNode image(Map<String, AttributeValue> item) {
    ObjectNode node = F.objectNode();
    item.forEach((k, v) -> node.set(k, value(v)));
    return node;
  }

  /** One attribute in DynamoDB JSON ({@code {"S": "…"}}, {@code {"N": "12"}}, …). */
  static JsonNode value(AttributeValue v) {
    ObjectNode node = F.objectNode();
    switch (v.type()) {
      case S -> node.put("S", v.s());
      case N -> node.put("N", v.n());
      case BOOL -> node.put("BOOL", v.bool());
      case NUL -> node.put("NULL", true);
      case M -> node.set("M", image(v.m()));
      case L -> {
        ArrayNode list = node.putArray("L");
        v.l().forEach(e -> list.add(value(e)));
      }
      case SS -> {
        ArrayNode list = node.putArray("SS");
        v.ss().forEach(list::add);
      }
      case NS -> {
        ArrayNode list = node.putArray("NS");
        v.ns().forEach(list::add);
      }
      case B -> node.put("B", v.b().asByteArray());
      case BS -> {
        ArrayNode list = node.putArray("BS");
        v.bs().forEach(b -> list.add(b.asByteArray()));
      }
      default -> node.putNull("NULL");
    }
    return node;
  }
}
