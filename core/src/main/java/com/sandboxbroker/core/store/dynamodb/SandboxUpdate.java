package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.s;

import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.contract.EventContract.EventType;
import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.store.SandboxStore.TransitionResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The one way an existing sandbox item changes (ArchitectureTest holds every other class to it). A
 * change names what it expects (status, the version it saw, any further condition), the attributes
 * it sets, adds to or removes, the lifecycle event it is (or none), and an operator's audit entry;
 * the builder adds exactly one version bump. So every write of a sandbox item is one conditional
 * request that a concurrent writer's change makes fail, and an event marker is never left standing
 * by a write that is no event (see {@link EventContract}).
 *
 * <p>The same conditions also guard a removal ({@link #delete}): a purge removes only the record it
 * judged.
 */
final class SandboxUpdate {
  private final Map<String, AttributeValue> key;
  private final List<String> conditions = new ArrayList<>();
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, AttributeValue> values = new HashMap<>();
  private final List<String> sets = new ArrayList<>();
  private final List<String> adds = new ArrayList<>();
  private final List<String> removes = new ArrayList<>();
  private EventType event;
  private String auditToken;

  private SandboxUpdate(Map<String, AttributeValue> key) {
    this.key = key;
  }

  /** A change of the sandbox item with this id. */
  static SandboxUpdate of(String sandboxId) {
    return new SandboxUpdate(Items.sandboxKey(sandboxId));
  }

  /** A change of the sandbox item at this key (as an index read returned it). */
  static SandboxUpdate atKey(Map<String, AttributeValue> key) {
    return new SandboxUpdate(Map.copyOf(key));
  }

  /** Condition: the item exists. */
  SandboxUpdate expectExists() {
    names.put("#pk", PARTITION_KEY);
    return condition("attribute_exists(#pk)");
  }

  /** Condition: the item is in {@code status}. */
  SandboxUpdate expectStatus(SandboxStatus status) {
    names.put("#status", Items.STATUS);
    values.put(":expected", s(status.wireName()));
    return condition("#status = :expected");
  }

  /**
   * Condition: the item is in {@code status} and unchanged since {@code seen} was read (an item
   * written before versions existed has none, which counts as 0).
   */
  SandboxUpdate expectSeen(Sandbox seen, SandboxStatus status) {
    expectStatus(status);
    names.put("#version", Items.VERSION);
    values.put(":seenVersion", n(seen.version()));
    return condition(
        seen.version() == 0
            ? "(attribute_not_exists(#version) OR #version = :seenVersion)"
            : "#version = :seenVersion");
  }

  /**
   * A further condition, in DynamoDB's expression syntax; its placeholders are declared with {@link
   * #name} and {@link #value}. Conditions are joined with AND.
   */
  SandboxUpdate condition(String expression) {
    conditions.add(expression);
    return this;
  }

  /** Declares the attribute a {@code #placeholder} of a condition stands for. */
  SandboxUpdate name(String placeholder, String attribute) {
    names.put(placeholder, attribute);
    return this;
  }

  /** Declares the value a {@code :placeholder} of a condition stands for. */
  SandboxUpdate value(String placeholder, AttributeValue value) {
    values.put(placeholder, value);
    return this;
  }

  /** Sets {@code attribute} to {@code value}. */
  SandboxUpdate set(String attribute, AttributeValue value) {
    int i = sets.size();
    names.put("#s" + i, attribute);
    values.put(":s" + i, value);
    sets.add("#s" + i + " = :s" + i);
    return this;
  }

  /** Adds {@code elements} to the set-valued {@code attribute} (DynamoDB's ADD). */
  SandboxUpdate addToSet(String attribute, AttributeValue elements) {
    int i = adds.size();
    names.put("#d" + i, attribute);
    values.put(":d" + i, elements);
    adds.add("#d" + i + " :d" + i);
    return this;
  }

  /** Removes {@code attribute}. */
  SandboxUpdate remove(String attribute) {
    int i = removes.size();
    names.put("#r" + i, attribute);
    removes.add("#r" + i);
    return this;
  }

  /** This change is the lifecycle event {@code type}: the item is stamped with it. */
  SandboxUpdate event(EventType type) {
    this.event = type;
    return this;
  }

  /**
   * Appends {@code action} to the item's operator trail. The entry carries a token fresh to this
   * change: when the SDK retries a write whose answer was lost after DynamoDB applied it, the retry
   * fails its condition on the very change it made, and the item returned with the failure holds
   * this token. That is this change's success, not a conflict; any other request, even the same
   * admin's identical one within the same second, has another token and stays a conflict.
   */
  SandboxUpdate audit(AdminAction action) {
    auditToken = UUID.randomUUID().toString();
    names.put("#trail", Items.ADMIN_ACTIONS);
    values.put(":entry", AttributeValue.fromL(List.of(Items.toValue(action, auditToken))));
    values.put(":empty", AttributeValue.fromL(List.of()));
    sets.add("#trail = list_append(if_not_exists(#trail, :empty), :entry)");
    return this;
  }

  /**
   * Applies the change; a failed condition reports the item as it stood (empty when missing), read
   * from the failure itself, so a lost race costs no extra request.
   */
  TransitionResult apply(DynamoDbClient dynamo, String tableName) {
    Expression e = expression();
    try {
      var response =
          dynamo.updateItem(
              UpdateItemRequest.builder()
                  .tableName(tableName)
                  .key(key)
                  .updateExpression(e.update())
                  .conditionExpression(e.condition())
                  .expressionAttributeNames(e.names())
                  .expressionAttributeValues(e.values())
                  .returnValues(ReturnValue.ALL_NEW)
                  .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                  .build());
      return TransitionResult.applied(Items.toSandbox(response.attributes()));
    } catch (ConditionalCheckFailedException failed) {
      boolean ownChange =
          auditToken != null
              && failed.hasItem()
              && Items.hasAdminRequestToken(failed.item(), auditToken);
      return new TransitionResult(ownChange, itemSeenBy(failed));
    }
  }

  /**
   * Applies the change in one transaction with {@code other} (a write of another item that must
   * move with this one, when there is one); returns whether the transaction committed.
   */
  boolean applyTogetherWith(
      Optional<TransactWriteItem> other, DynamoDbClient dynamo, String tableName) {
    Expression e = expression();
    Update update =
        Update.builder()
            .tableName(tableName)
            .key(key)
            .updateExpression(e.update())
            .conditionExpression(e.condition())
            .expressionAttributeNames(e.names())
            .expressionAttributeValues(e.values())
            .build();
    try {
      List<TransactWriteItem> writes = new ArrayList<>();
      writes.add(TransactWriteItem.builder().update(update).build());
      other.ifPresent(writes::add);
      dynamo.transactWriteItems(b -> b.transactItems(writes));
      return true;
    } catch (TransactionCanceledException cancelled) {
      return false; // a condition failed or a concurrent transaction touched an item
    }
  }

  /** Removes the item if the conditions hold; returns whether it did. */
  boolean delete(DynamoDbClient dynamo, String tableName) {
    if (!sets.isEmpty() || !adds.isEmpty() || !removes.isEmpty() || event != null) {
      throw new IllegalStateException("a removal sets nothing");
    }
    try {
      dynamo.deleteItem(
          b ->
              b.tableName(tableName)
                  .key(key)
                  .conditionExpression(String.join(" AND ", conditions))
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values.isEmpty() ? null : values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** The item a failed condition saw; empty when there is none. */
  static Optional<Sandbox> itemSeenBy(ConditionalCheckFailedException e) {
    if (e.hasItem() && !e.item().isEmpty()) {
      return Optional.of(Items.toSandbox(e.item()));
    }
    return Optional.empty();
  }

  private record Expression(
      String update,
      String condition,
      Map<String, String> names,
      Map<String, AttributeValue> values) {}

  private Expression expression() {
    if (conditions.isEmpty()) {
      throw new IllegalStateException("every sandbox change is conditional");
    }
    Map<String, String> allNames = new HashMap<>(names);
    Map<String, AttributeValue> allValues = new HashMap<>(values);
    List<String> allSets = new ArrayList<>(sets);
    List<String> allRemoves = new ArrayList<>(removes);
    // the one version bump: an item written before versions existed counts as version 0
    allNames.put("#version", Items.VERSION);
    allValues.put(":zero", n(0));
    allValues.put(":one", n(1));
    allSets.add("#version = if_not_exists(#version, :zero) + :one");
    allNames.put("#lce", EventContract.LIFECYCLE_EVENT_ATTRIBUTE);
    if (event != null) {
      allValues.put(":lce", s(event.wireName()));
      allSets.add("#lce = :lce");
    } else {
      allRemoves.add("#lce"); // a write that is no event must not repeat the item's last one
    }
    StringBuilder update = new StringBuilder("SET ").append(String.join(", ", allSets));
    if (!adds.isEmpty()) {
      update.append(" ADD ").append(String.join(", ", adds));
    }
    if (!allRemoves.isEmpty()) {
      update.append(" REMOVE ").append(String.join(", ", allRemoves));
    }
    return new Expression(update.toString(), String.join(" AND ", conditions), allNames, allValues);
  }
}
