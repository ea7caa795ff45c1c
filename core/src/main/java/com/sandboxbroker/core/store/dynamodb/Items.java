package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.LEASE_PK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.LEASE_SK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.SANDBOX_PK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.SANDBOX_SK;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.TENANT_LEASE_PK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.TTL_ATTRIBUTE;

import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.tenant.Tenant;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Storage mapping between domain records and DynamoDB items. Attribute names are the earlier
 * broker's snake_case ones where they existed; unknown attributes are ignored on read so older and
 * newer versions of the broker can share a table.
 */
final class Items {
  private Items() {}

  static final String ITEM_TYPE = "item_type";
  static final String TYPE_SANDBOX = "sandbox";
  static final String TYPE_LEASE = "lease";

  // sandbox attributes
  static final String SANDBOX_ID = "sandbox_id";
  static final String NAME = "name";
  static final String EXTERNAL_ID = "external_id";
  static final String SFDC_ACCOUNT_ID = "sfdc_account_id";
  static final String STATUS = "status";
  static final String ALLOCATED_TO = "allocated_to_track";
  static final String TRACK_NAME = "track_name";
  static final String LEASE_ID = "lease_id";
  static final String ALLOCATED_AT = "allocated_at";
  static final String EXPIRES_AT = "expires_at";
  static final String DELETION_REQUESTED_AT = "deletion_requested_at";
  static final String DELETION_ATTEMPTS = "deletion_attempts";
  static final String NEXT_ATTEMPT_AT = "next_attempt_at";
  static final String LAST_ERROR = "last_error";
  static final String DELETED_AT = "deleted_at";
  static final String CREATED_AT = "created_at";
  static final String LAST_SEEN_AT = "last_seen_at";
  static final String MISSING_COUNT = "missing_count";
  static final String STALE_SINCE = "stale_since";
  static final String VERSION = "version";

  /** NIOSXaaS pre-delete clean-up outcome ("cleaned:2", "nothing_to_clean", "failed:<reason>"). */
  static final String PREDELETE_OUTCOME = "predelete_outcome";

  static final String PREDELETE_AT = "predelete_at";

  /** Cleanup's claim on a pending deletion: the run that made it, and when (epoch s). */
  static final String DELETION_RUN = "deletion_run";

  static final String DELETION_CLAIMED_AT = "deletion_claimed_at";

  /**
   * String set of lease ids whose claim of this sandbox must fail: written before a takeover of an
   * abandoned lease, removed by the next successful claim (a claimed sandbox never becomes
   * available again, so the fence is no longer needed).
   */
  static final String FENCED_LEASES = "fenced_leases";

  /** The owner's tenant on a sandbox, the allocating token's on a lease (shared contract name). */
  static final String TENANT = "tenant";

  // lease attributes (never `status`, so leases stay out of StatusIndex)
  static final String IDENTITY = "identity";
  static final String SLOT = "slot";
  static final String IDEMPOTENCY_KEY = "idempotency_key";
  static final String NAME_PREFIX = "name_prefix";
  static final String CREATED_AT_MS = "created_at_ms";

  static Map<String, AttributeValue> sandboxKey(String sandboxId) {
    return Map.of(PARTITION_KEY, s(SANDBOX_PK_PREFIX + sandboxId), SORT_KEY, s(SANDBOX_SK));
  }

  static Map<String, AttributeValue> leaseKey(String tenant, String identity, int slot) {
    String pk =
        Tenant.DEFAULT.equals(tenant)
            ? LEASE_PK_PREFIX + identity
            : TENANT_LEASE_PK_PREFIX + tenant + "#" + LEASE_PK_PREFIX + identity;
    return Map.of(PARTITION_KEY, s(pk), SORT_KEY, s(LEASE_SK_PREFIX + slot));
  }

  static final String TYPE_KEY_IN_FLIGHT = "key_in_flight";
  static final String KEY_SK_PREFIX = "KEY#";
  static final String HOLDER = "holder";
  static final String UNTIL_MS = "until_ms";

  /**
   * In the identity's lease partition, beside its slots: one item per idempotency key in flight.
   */
  static Map<String, AttributeValue> keyInFlightKey(
      String tenant, String identity, String idempotencyKey) {
    return Map.of(
        PARTITION_KEY, leaseKey(tenant, identity, 0).get(PARTITION_KEY),
        SORT_KEY, s(KEY_SK_PREFIX + idempotencyKey));
  }

  static Map<String, AttributeValue> toItem(Sandbox x) {
    Map<String, AttributeValue> item = new HashMap<>(sandboxKey(x.sandboxId()));
    item.put(ITEM_TYPE, s(TYPE_SANDBOX));
    item.put(SCHEMA_VERSION_ATTRIBUTE, n(SCHEMA_VERSION));
    item.put(SANDBOX_ID, s(x.sandboxId()));
    item.put(NAME, s(x.name()));
    item.put(EXTERNAL_ID, s(x.externalId()));
    item.put(SFDC_ACCOUNT_ID, s(x.sfdcAccountId()));
    item.put(STATUS, s(x.status().wireName()));
    item.put(ALLOCATED_TO, s(x.allocatedTo()));
    item.put(TRACK_NAME, s(x.trackName()));
    item.put(LEASE_ID, s(x.leaseId()));
    // allocated_at is StatusIndex's sort key: 0 keeps unallocated items in the index
    item.put(ALLOCATED_AT, n(x.allocatedAt()));
    item.put(EXPIRES_AT, n(x.expiresAt()));
    item.put(DELETION_REQUESTED_AT, n(x.deletionRequestedAt()));
    item.put(DELETION_ATTEMPTS, n(x.deletionAttempts()));
    item.put(NEXT_ATTEMPT_AT, n(x.nextAttemptAt()));
    item.put(LAST_ERROR, s(x.lastError()));
    item.put(DELETED_AT, n(x.deletedAt()));
    item.put(CREATED_AT, n(x.createdAt()));
    item.put(LAST_SEEN_AT, n(x.lastSeenAt()));
    item.put(MISSING_COUNT, n(x.missingCount()));
    item.put(STALE_SINCE, n(x.staleSince()));
    item.put(VERSION, n(x.version()));
    if (!x.allocatedTo().isEmpty()) {
      item.put(TENANT, s(x.tenant())); // set on claim; an unowned sandbox has no tenant
    }
    return item;
  }

  static Sandbox toSandbox(Map<String, AttributeValue> item) {
    return Sandbox.builder(str(item, SANDBOX_ID))
        .name(str(item, NAME))
        .externalId(str(item, EXTERNAL_ID))
        .sfdcAccountId(str(item, SFDC_ACCOUNT_ID))
        .status(
            SandboxStatus.fromWireName(str(item, STATUS))
                .orElseThrow(() -> new IllegalStateException("unknown sandbox status in table")))
        .allocatedTo(str(item, ALLOCATED_TO))
        .trackName(str(item, TRACK_NAME))
        .leaseId(str(item, LEASE_ID))
        .allocatedAt(num(item, ALLOCATED_AT))
        .expiresAt(num(item, EXPIRES_AT))
        .deletionRequestedAt(num(item, DELETION_REQUESTED_AT))
        .deletionAttempts((int) num(item, DELETION_ATTEMPTS))
        .nextAttemptAt(num(item, NEXT_ATTEMPT_AT))
        .lastError(str(item, LAST_ERROR))
        .deletedAt(num(item, DELETED_AT))
        .createdAt(num(item, CREATED_AT))
        .lastSeenAt(num(item, LAST_SEEN_AT))
        .missingCount((int) num(item, MISSING_COUNT))
        .staleSince(num(item, STALE_SINCE))
        .version(num(item, VERSION))
        .tenant(str(item, TENANT))
        .build();
  }

  static Map<String, AttributeValue> toItem(Lease x, long ttl) {
    Map<String, AttributeValue> item = new HashMap<>(leaseKey(x.tenant(), x.identity(), x.slot()));
    item.put(ITEM_TYPE, s(TYPE_LEASE));
    item.put(SCHEMA_VERSION_ATTRIBUTE, n(SCHEMA_VERSION));
    item.put(IDENTITY, s(x.identity()));
    item.put(SLOT, n(x.slot()));
    item.put(IDEMPOTENCY_KEY, s(x.idempotencyKey()));
    item.put(LEASE_ID, s(x.leaseId()));
    item.put(SANDBOX_ID, s(x.sandboxId()));
    item.put(NAME, s(x.name()));
    item.put(EXTERNAL_ID, s(x.externalId()));
    item.put(SFDC_ACCOUNT_ID, s(x.sfdcAccountId()));
    item.put(TRACK_NAME, s(x.trackName()));
    item.put(NAME_PREFIX, s(x.namePrefix()));
    item.put(ALLOCATED_AT, n(x.allocatedAt()));
    item.put(EXPIRES_AT, n(x.expiresAt()));
    item.put(CREATED_AT_MS, n(x.createdAtMillis()));
    item.put(TTL_ATTRIBUTE, n(ttl));
    item.put(TENANT, s(x.tenant()));
    return item;
  }

  static Lease toLease(Map<String, AttributeValue> item) {
    return Lease.builder()
        .identity(str(item, IDENTITY))
        .slot((int) num(item, SLOT))
        .idempotencyKey(str(item, IDEMPOTENCY_KEY))
        .leaseId(str(item, LEASE_ID))
        .sandboxId(str(item, SANDBOX_ID))
        .name(str(item, NAME))
        .externalId(str(item, EXTERNAL_ID))
        .sfdcAccountId(str(item, SFDC_ACCOUNT_ID))
        .trackName(str(item, TRACK_NAME))
        .namePrefix(str(item, NAME_PREFIX))
        .allocatedAt(num(item, ALLOCATED_AT))
        .expiresAt(num(item, EXPIRES_AT))
        .createdAtMillis(num(item, CREATED_AT_MS))
        .tenant(str(item, TENANT))
        .build();
  }

  static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  static AttributeValue n(long v) {
    return AttributeValue.fromN(Long.toString(v));
  }

  static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.s() == null ? "" : v.s();
  }

  static long num(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? 0 : new BigDecimal(v.n()).longValue();
  }

  // ---- the operator trail of the admin API ----

  /**
   * The item's operator trail: a list of maps {at, by, action, from}, appended to, never rewritten.
   */
  static final String ADMIN_ACTIONS = "admin_actions";

  static AttributeValue toValue(AdminAction a) {
    return AttributeValue.fromM(
        Map.of(
            "at", n(a.at()),
            "by", s(a.by()),
            "action", s(a.action()),
            "from", s(a.fromStatus().wireName())));
  }

  /**
   * Key of a trail entry holding the token of the store call that wrote it (never shown by the
   * API): how a retried write recognises its own applied change.
   */
  static final String ADMIN_REQUEST_TOKEN = "request_token";

  static AttributeValue toValue(AdminAction a, String requestToken) {
    Map<String, AttributeValue> entry = new HashMap<>(toValue(a).m());
    entry.put(ADMIN_REQUEST_TOKEN, s(requestToken));
    return AttributeValue.fromM(entry);
  }

  /** Whether the item's trail holds an entry written by the store call with this token. */
  static boolean hasAdminRequestToken(Map<String, AttributeValue> item, String requestToken) {
    AttributeValue list = item.get(ADMIN_ACTIONS);
    if (list == null || !list.hasL()) {
      return false;
    }
    return list.l().stream()
        .anyMatch(v -> v.hasM() && requestToken.equals(str(v.m(), ADMIN_REQUEST_TOKEN)));
  }

  static List<AdminAction> toAdminActions(Map<String, AttributeValue> item) {
    AttributeValue list = item.get(ADMIN_ACTIONS);
    if (list == null || !list.hasL()) {
      return List.of();
    }
    List<AdminAction> actions = new ArrayList<>();
    for (AttributeValue v : list.l()) {
      if (v.hasM()) {
        Map<String, AttributeValue> m = v.m();
        actions.add(
            new AdminAction(
                num(m, "at"),
                str(m, "by"),
                str(m, "action"),
                SandboxStatus.fromWireName(str(m, "from")).orElse(SandboxStatus.AVAILABLE)));
      }
    }
    return actions;
  }
}
