package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.TOKEN_PK;
import static com.sandboxbroker.core.contract.TableContract.TOKEN_SK_PREFIX;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.num;
import static com.sandboxbroker.core.store.dynamodb.Items.s;
import static com.sandboxbroker.core.store.dynamodb.Items.str;

import com.sandboxbroker.core.token.TokenStore;
import com.sandboxbroker.core.token.TrackToken;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Run-time track tokens in the broker's one table: {@code PK = TOKENS}, {@code SK = HASH#<sha256
 * hex of the secret>}. Authentication is one {@code GetItem} on that key; listing (and finding a
 * record by its id to revoke it) is a key {@code Query} of the one partition, never a scan. Token
 * records carry no {@code status}, so they stay out of {@code StatusIndex}; the hash lives only in
 * the key and is never read back into a record.
 */
public final class DynamoDbTokenStore implements TokenStore {
  static final String TYPE_TOKEN = "token";
  static final String TOKEN_ID = "token_id";
  static final String NAME = "name";
  static final String ALLOWED_PREFIXES = "allowed_prefixes";
  static final String DEFAULT_PREFIX = "default_prefix";
  static final String LAB = "lab";
  static final String LEASE_HOURS = "lease_hours";
  static final String MAX_LEASE_HOURS = "max_lease_hours";
  static final String IDENTITY_CAP = "identity_cap";
  static final String CREATED_AT = "created_at";
  static final String CREATED_BY = "created_by";
  static final String EXPIRES_AT = "expires_at";
  static final String REVOKED_AT = "revoked_at";
  static final String REVOKED_BY = "revoked_by";
  static final String LAST_USED_AT = "last_used_at";

  private final DynamoDbClient dynamo;
  private final String tableName;

  public DynamoDbTokenStore(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  private static Map<String, AttributeValue> key(String secretHash) {
    return Map.of(PARTITION_KEY, s(TOKEN_PK), SORT_KEY, s(TOKEN_SK_PREFIX + secretHash));
  }

  @Override
  public boolean create(String secretHash, TrackToken t) {
    Map<String, AttributeValue> item = new HashMap<>(key(secretHash));
    item.put(Items.ITEM_TYPE, s(TYPE_TOKEN));
    item.put(SCHEMA_VERSION_ATTRIBUTE, n(SCHEMA_VERSION));
    item.put(TOKEN_ID, s(t.tokenId()));
    item.put(Items.TENANT, s(t.tenant()));
    item.put(NAME, s(t.name()));
    item.put(
        ALLOWED_PREFIXES,
        AttributeValue.fromL(t.allowedPrefixes().stream().map(Items::s).toList()));
    item.put(DEFAULT_PREFIX, s(t.defaultPrefix()));
    item.put(LAB, s(t.lab()));
    item.put(LEASE_HOURS, n(t.leaseHours()));
    item.put(MAX_LEASE_HOURS, n(t.maxLeaseHours()));
    item.put(IDENTITY_CAP, n(t.identityCap()));
    item.put(CREATED_AT, n(t.createdAt()));
    item.put(CREATED_BY, s(t.createdBy()));
    item.put(EXPIRES_AT, n(t.expiresAt()));
    item.put(REVOKED_AT, n(t.revokedAt()));
    item.put(REVOKED_BY, s(t.revokedBy()));
    item.put(LAST_USED_AT, n(t.lastUsedAt()));
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#pk)")
                  .expressionAttributeNames(Map.of("#pk", PARTITION_KEY)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public Optional<TrackToken> findByHash(String secretHash) {
    var item =
        dynamo
            .getItem(b -> b.tableName(tableName).key(key(secretHash)).consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toToken(item));
  }

  @Override
  public List<TrackToken> list() {
    List<TrackToken> all = new ArrayList<>();
    forEachTokenItem(item -> all.add(toToken(item)));
    all.sort(Comparator.comparingLong(TrackToken::createdAt).thenComparing(TrackToken::tokenId));
    return all;
  }

  @Override
  public Optional<TrackToken> revoke(String tokenId, String by, long at) {
    Map<String, AttributeValue> found = findItemById(tokenId);
    if (found == null) {
      return Optional.empty();
    }
    Map<String, AttributeValue> key =
        Map.of(PARTITION_KEY, found.get(PARTITION_KEY), SORT_KEY, found.get(SORT_KEY));
    try {
      var response =
          dynamo.updateItem(
              b ->
                  b.tableName(tableName)
                      .key(key)
                      .updateExpression("SET #rat = :at, #rby = :by")
                      // the first revocation stands: a repeat changes nothing
                      .conditionExpression(
                          "attribute_exists(#pk) AND (attribute_not_exists(#rat) OR #rat = :zero)")
                      .expressionAttributeNames(
                          Map.of("#pk", PARTITION_KEY, "#rat", REVOKED_AT, "#rby", REVOKED_BY))
                      .expressionAttributeValues(Map.of(":at", n(at), ":by", s(by), ":zero", n(0)))
                      .returnValues(ReturnValue.ALL_NEW));
      return Optional.of(toToken(response.attributes()));
    } catch (ConditionalCheckFailedException e) {
      var item = dynamo.getItem(b -> b.tableName(tableName).key(key).consistentRead(true)).item();
      return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toToken(item));
    }
  }

  @Override
  public void recordUse(String secretHash, long at) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(tableName)
                  .key(key(secretHash))
                  .updateExpression("SET #used = :at")
                  // never creates an item, never moves the time backwards
                  .conditionExpression(
                      "attribute_exists(#pk) AND (attribute_not_exists(#used) OR #used < :at)")
                  .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#used", LAST_USED_AT))
                  .expressionAttributeValues(Map.of(":at", n(at))));
    } catch (ConditionalCheckFailedException e) {
      // a later use was recorded already, or the record is gone
    }
  }

  private Map<String, AttributeValue> findItemById(String tokenId) {
    List<Map<String, AttributeValue>> match = new ArrayList<>();
    forEachTokenItem(
        item -> {
          if (tokenId.equals(str(item, TOKEN_ID))) {
            match.add(item);
          }
        });
    return match.isEmpty() ? null : match.get(0);
  }

  /** Reads the token partition to the end, page by page (the SDK's paginator). */
  private void forEachTokenItem(Consumer<Map<String, AttributeValue>> action) {
    dynamo
        .queryPaginator(
            b ->
                b.tableName(tableName)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", PARTITION_KEY))
                    .expressionAttributeValues(Map.of(":pk", s(TOKEN_PK)))
                    .consistentRead(true))
        .items()
        .forEach(action);
  }

  private static TrackToken toToken(Map<String, AttributeValue> item) {
    AttributeValue prefixes = item.get(ALLOWED_PREFIXES);
    List<String> allowed =
        prefixes == null || !prefixes.hasL()
            ? List.of()
            : prefixes.l().stream().map(AttributeValue::s).toList();
    return new TrackToken(
        str(item, TOKEN_ID),
        str(item, Items.TENANT),
        str(item, NAME),
        allowed,
        str(item, DEFAULT_PREFIX),
        str(item, LAB),
        (int) num(item, LEASE_HOURS),
        (int) num(item, MAX_LEASE_HOURS),
        (int) num(item, IDENTITY_CAP),
        num(item, CREATED_AT),
        str(item, CREATED_BY),
        num(item, EXPIRES_AT),
        num(item, REVOKED_AT),
        str(item, REVOKED_BY),
        num(item, LAST_USED_AT));
  }
}
