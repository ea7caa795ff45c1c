package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.s;

import com.sandboxbroker.core.contract.EventContract.EventType;
import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.AuditedSandbox;
import com.sandboxbroker.core.store.LeasePutResult;
import com.sandboxbroker.core.store.Page;
import com.sandboxbroker.core.store.SandboxFilter;
import com.sandboxbroker.core.store.SandboxStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;

/**
 * {@link SandboxStore} on one DynamoDB table. Every change of a sandbox item is one conditional
 * request built by {@link SandboxUpdate}, which returns the old item when its condition fails, so a
 * lost race costs no extra read. Leases are in {@link Leases}, the pools in {@link PoolIndex}, the
 * admin listing in {@link SandboxListing}; the table itself is provisioned by {@link SandboxTable}.
 */
public final class DynamoDbSandboxStore implements SandboxStore {
  private final DynamoDbClient dynamo;
  private final String tableName;
  private final PoolIndex pools;
  private final Leases leases;
  private final StatusIndex statusIndex;
  private final SandboxListing listing;
  private final SandboxInsert inserts;

  /** With pools derived from sandbox names only (no configured pools). */
  public DynamoDbSandboxStore(DynamoDbClient dynamo, String tableName) {
    this(dynamo, tableName, PoolAssignment.derivedOnly());
  }

  /** {@code poolAssignment} decides the pool of each sandbox this store inserts. */
  public DynamoDbSandboxStore(
      DynamoDbClient dynamo, String tableName, PoolAssignment poolAssignment) {
    this.dynamo = dynamo;
    this.tableName = tableName;
    this.pools = new PoolIndex(dynamo, tableName, poolAssignment);
    this.leases = new Leases(dynamo, tableName);
    this.statusIndex = new StatusIndex(dynamo, tableName);
    this.listing = new SandboxListing(statusIndex);
    this.inserts = new SandboxInsert(dynamo, tableName);
  }

  @Override
  public boolean isReachable() {
    try {
      dynamo.describeTable(DescribeTableRequest.builder().tableName(tableName).build());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public Optional<Sandbox> findSandbox(String sandboxId) {
    return findItem(sandboxId).map(Items::toSandbox);
  }

  private Optional<Map<String, AttributeValue>> findItem(String sandboxId) {
    var item =
        dynamo
            .getItem(
                b -> b.tableName(tableName).key(Items.sandboxKey(sandboxId)).consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  /** Reads only the pools {@code namePrefix} selects, never the whole available set. */
  @Override
  public Page<Sandbox> findAvailable(String namePrefix, Optional<String> cursor, int limit) {
    return pools.findAvailable(namePrefix, cursor, limit);
  }

  /**
   * The sum over every known pool of {@code Select=COUNT} key queries on {@code PoolIndex} (deleted
   * audit records included): never a Scan, and the same counting {@code /v1/admin/pools} shows.
   */
  @Override
  public Map<SandboxStatus, Long> countByStatus() {
    Map<SandboxStatus, Long> totals = new EnumMap<>(SandboxStatus.class);
    Set<SandboxStatus> all = EnumSet.allOf(SandboxStatus.class);
    all.forEach(st -> totals.put(st, 0L));
    for (var pool : pools.knownPools(true)) {
      pools.count(pool, all).forEach((st, n) -> totals.merge(st, n, Long::sum));
    }
    return totals;
  }

  /** Sync's backfill: gives sandbox items written before pools existed their pool. */
  @Override
  public int assignMissingPools() {
    return pools.backfill();
  }

  /** Key queries on {@code StatusIndex}, one status partition after another: never a Scan. */
  @Override
  public List<Sandbox> allSandboxes() {
    List<Sandbox> all = new ArrayList<>();
    for (SandboxStatus status : SandboxStatus.values()) {
      statusIndex.sandboxItems(status).forEach(item -> all.add(Items.toSandbox(item)));
    }
    return all;
  }

  @Override
  public List<Sandbox> sandboxesInStatus(SandboxStatus status) {
    List<Sandbox> all = new ArrayList<>();
    statusIndex.sandboxItems(status).forEach(item -> all.add(Items.toSandbox(item)));
    return all;
  }

  /** The pool is decided on insert (contract §9), registering it first. */
  @Override
  public boolean insertSandbox(Sandbox sandbox) {
    return inserts.insert(sandbox, pools.poolAttributes(sandbox.sandboxId(), sandbox.name()));
  }

  @Override
  public TransitionResult claim(Lease lease) {
    return TransitionUpdates.claim(lease).apply(dynamo, tableName);
  }

  @Override
  public boolean fenceClaim(Lease abandoned) {
    TransitionResult fence =
        SandboxUpdate.of(abandoned.sandboxId())
            .expectExists()
            .condition("(attribute_not_exists(#lease) OR #lease <> :lease)")
            .name("#lease", Items.LEASE_ID)
            .value(":lease", s(abandoned.leaseId()))
            .addToSet(Items.FENCED_LEASES, AttributeValue.fromSs(List.of(abandoned.leaseId())))
            .apply(dynamo, tableName);
    if (fence.applied()) {
      return true;
    }
    // the claim landed (the item holds the lease id), or the item is gone (nothing to claim)
    Optional<Sandbox> seen = fence.current().or(() -> findSandbox(abandoned.sandboxId()));
    return seen.map(sbx -> !sbx.leaseId().equals(abandoned.leaseId())).orElse(true);
  }

  @Override
  public LeasePutResult putLease(Lease lease, long now) {
    return leases.put(lease, now);
  }

  @Override
  public boolean markKeyInFlight(
      String tenant,
      String identity,
      String idempotencyKey,
      String holder,
      long nowMillis,
      long untilMillis) {
    return leases.markKeyInFlight(tenant, identity, idempotencyKey, holder, nowMillis, untilMillis);
  }

  @Override
  public void clearKeyInFlight(
      String tenant, String identity, String idempotencyKey, String holder) {
    leases.clearKeyInFlight(tenant, identity, idempotencyKey, holder);
  }

  @Override
  public Optional<Lease> findLease(String tenant, String identity, int slot) {
    return leases.find(tenant, identity, slot);
  }

  @Override
  public boolean replaceLease(Lease current, Lease next) {
    return leases.replace(current, next);
  }

  @Override
  public TransitionResult markForDeletion(
      String sandboxId, String tenant, String identity, long now) {
    return TransitionUpdates.markForDeletion(sandboxId, tenant, identity, now)
        .apply(dynamo, tableName);
  }

  @Override
  public TransitionResult refreshFromUpstream(Sandbox seen, UpstreamSandbox upstream) {
    return TransitionUpdates.refreshFromUpstream(seen, upstream).apply(dynamo, tableName);
  }

  @Override
  public TransitionResult reviveStale(Sandbox seen, UpstreamSandbox upstream) {
    return TransitionUpdates.reviveStale(seen, upstream).apply(dynamo, tableName);
  }

  @Override
  public TransitionResult expireAllocation(Sandbox seen, long now) {
    return TransitionUpdates.expireAllocation(seen, now).apply(dynamo, tableName);
  }

  @Override
  public TransitionResult recordMissing(Sandbox seen) {
    return TransitionUpdates.recordMissing(seen).apply(dynamo, tableName);
  }

  @Override
  public TransitionResult markStale(Sandbox seen, long now) {
    return TransitionUpdates.markStale(seen, now).apply(dynamo, tableName);
  }

  @Override
  public boolean purgeStale(Sandbox seen, long staleBefore) {
    return SandboxUpdate.of(seen.sandboxId())
        .expectSeen(seen, SandboxStatus.STALE)
        .condition("#since <= :before")
        .name("#since", Items.STALE_SINCE)
        .value(":before", n(staleBefore))
        .delete(dynamo, tableName);
  }

  @Override
  public TransitionResult claimDeletion(Sandbox seen, String runId, long now) {
    return TransitionUpdates.claimDeletion(seen, runId, now).apply(dynamo, tableName);
  }

  @Override
  public TransitionResult recordPreDeleteOutcome(Sandbox seen, String outcome, long now) {
    return TransitionUpdates.recordPreDeleteOutcome(seen, outcome, now).apply(dynamo, tableName);
  }

  @Override
  public TransitionResult recordDeleted(Sandbox seen, long now, long ttl) {
    return TransitionUpdates.recordDeleted(seen, now, ttl).apply(dynamo, tableName);
  }

  @Override
  public TransitionResult recordDeletionRetry(
      Sandbox seen, int attempts, long nextAttemptAt, String error) {
    return TransitionUpdates.recordDeletionRetry(seen, attempts, nextAttemptAt, error)
        .apply(dynamo, tableName);
  }

  @Override
  public TransitionResult recordDeletionFailed(Sandbox seen, int attempts, String error) {
    return TransitionUpdates.recordDeletionFailed(seen, attempts, error).apply(dynamo, tableName);
  }

  @Override
  public Page<Sandbox> listSandboxes(SandboxFilter filter, Optional<String> cursor, int limit) {
    return listing.list(filter, cursor, limit);
  }

  @Override
  public Optional<AuditedSandbox> findAudited(String sandboxId) {
    return findItem(sandboxId)
        .map(item -> new AuditedSandbox(Items.toSandbox(item), Items.toAdminActions(item)));
  }

  /** The attempt counter and back-off reset so cleanup tries again at once. */
  @Override
  public TransitionResult retryDeletion(String sandboxId, AdminAction action) {
    return TransitionUpdates.retryDeletion(sandboxId, action).apply(dynamo, tableName);
  }

  @Override
  public TransitionResult forceRelease(String sandboxId, AdminAction action) {
    SandboxStatus from = action.fromStatus();
    if (!from.isLive() || from == SandboxStatus.PENDING_DELETION) {
      return new TransitionResult(false, findSandbox(sandboxId));
    }
    return SandboxUpdate.of(sandboxId)
        .expectStatus(from)
        .set(Items.STATUS, s(SandboxStatus.PENDING_DELETION.wireName()))
        .set(Items.DELETION_REQUESTED_AT, n(action.at()))
        .event(EventType.SANDBOX_FORCE_RELEASED)
        .audit(action)
        .apply(dynamo, tableName);
  }

  @Override
  public int deleteByStatus(SandboxStatus status) {
    if (status.namesAUsedAccount()) {
      throw new IllegalArgumentException(
          status.wireName() + " records name used accounts; release them instead");
    }
    return deleteFromIndex(status, null, 0);
  }

  @Override
  public int deleteStale(long staleSinceAtOrBefore) {
    return deleteFromIndex(SandboxStatus.STALE, Items.STALE_SINCE, staleSinceAtOrBefore);
  }

  /**
   * Reads the status partition of the index to the end and deletes each sandbox item on the
   * condition that it is still in that status (and, with {@code atOrBeforeAttribute}, old enough);
   * an item that moved on in between is left alone.
   */
  private int deleteFromIndex(SandboxStatus status, String atOrBeforeAttribute, long cutoff) {
    int deleted = 0;
    for (Map<String, AttributeValue> item : statusIndex.sandboxItems(status)) {
      SandboxUpdate removal =
          SandboxUpdate.atKey(StatusIndex.tableKeyOf(item)).expectStatus(status);
      if (atOrBeforeAttribute != null) {
        removal
            .condition("(attribute_not_exists(#at) OR #at <= :cutoff)")
            .name("#at", atOrBeforeAttribute)
            .value(":cutoff", n(cutoff));
      }
      if (removal.delete(dynamo, tableName)) {
        deleted++;
      }
    }
    return deleted;
  }

  /**
   * The sandbox and its lease move to {@code newExpiresAt} in one transaction, so a replay of
   * allocate (which answers from the lease), the owner view and expiry (which read the sandbox)
   * never disagree. The sandbox's condition — still allocated under the same lease, not expired at
   * {@code now}, and {@code expires_at} below the new value — is what makes an extension and expiry
   * (conditional on {@code expires_at <= now}) exclusive, and concurrent extensions monotonic: a
   * lost race is reported, never applied over a later value.
   */
  @Override
  public TransitionResult extendLease(Sandbox seen, long newExpiresAt, long now) {
    SandboxUpdate sandbox =
        SandboxUpdate.of(seen.sandboxId())
            .expectStatus(SandboxStatus.ALLOCATED)
            .condition("#lease = :lease AND #exp > :now AND #exp < :new")
            .name("#lease", Items.LEASE_ID)
            .name("#exp", Items.EXPIRES_AT)
            .value(":lease", s(seen.leaseId()))
            .value(":now", n(now))
            .value(":new", n(newExpiresAt))
            .set(Items.EXPIRES_AT, n(newExpiresAt))
            .event(EventType.SANDBOX_EXTENDED);
    boolean committed =
        sandbox.applyTogetherWith(leases.extension(seen, newExpiresAt), dynamo, tableName);
    // either way, decide on a fresh read of what the transaction left
    return new TransitionResult(committed, findSandbox(seen.sandboxId()));
  }
}
