package com.sandboxbroker.core.store;

import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A faithful in-process fake of the store for fast domain tests: one lock makes every operation
 * atomic, which is the guarantee DynamoDB's conditional writes give per item. Held to the same
 * contract suite as {@code DynamoDbSandboxStore}.
 */
public final class InMemorySandboxStore implements SandboxStore {
  private static final String CURSOR_PREFIX = "mem:";

  private final NavigableMap<String, Sandbox> sandboxes = new TreeMap<>();
  private final Map<String, Lease> leases = new HashMap<>();

  /** Attributes DynamoDB keeps beside the sandbox record; kept here so tests can read them. */
  private final Map<String, String> preDeleteOutcomes = new HashMap<>();

  private final Map<String, Long> ttls = new HashMap<>();

  /** sandbox id → lease ids whose claim of it must fail (the item's fenced_leases set) */
  private final Map<String, Set<String>> fences = new HashMap<>();

  @Override
  public boolean isReachable() {
    return true;
  }

  @Override
  public synchronized Optional<Sandbox> findSandbox(String sandboxId) {
    return Optional.ofNullable(sandboxes.get(sandboxId));
  }

  @Override
  public synchronized Page<Sandbox> findAvailable(
      String namePrefix, Optional<String> cursor, int limit) {
    var tail = cursor.map(c -> sandboxes.tailMap(decode(c), false)).orElse(sandboxes);
    List<Sandbox> page = new ArrayList<>();
    String last = null;
    for (Sandbox s : tail.values()) {
      if (page.size() == limit) {
        return new Page<>(page, Optional.of(encode(last)));
      }
      last = s.sandboxId();
      if (s.status() == SandboxStatus.AVAILABLE
          && (namePrefix == null || s.name().startsWith(namePrefix))) {
        page.add(s);
      }
    }
    return new Page<>(page, Optional.empty());
  }

  @Override
  public synchronized List<Sandbox> allSandboxes() {
    return List.copyOf(sandboxes.values());
  }

  @Override
  public synchronized boolean insertSandbox(Sandbox sandbox) {
    return sandboxes.putIfAbsent(sandbox.sandboxId(), sandbox) == null;
  }

  @Override
  public synchronized TransitionResult claim(Lease lease) {
    Sandbox current = sandboxes.get(lease.sandboxId());
    if (current == null
        || current.status() != SandboxStatus.AVAILABLE
        || fences.getOrDefault(lease.sandboxId(), Set.of()).contains(lease.leaseId())) {
      return TransitionResult.lost(Optional.ofNullable(current));
    }
    Sandbox after = SandboxTransitions.claimed(current, lease);
    sandboxes.put(after.sandboxId(), after);
    fences.remove(after.sandboxId());
    return TransitionResult.applied(after);
  }

  @Override
  public synchronized boolean fenceClaim(Lease abandoned) {
    Sandbox current = sandboxes.get(abandoned.sandboxId());
    if (current == null) {
      return true;
    }
    if (current.leaseId().equals(abandoned.leaseId())) {
      return false;
    }
    fences.computeIfAbsent(abandoned.sandboxId(), k -> new HashSet<>()).add(abandoned.leaseId());
    return true;
  }

  @Override
  public synchronized LeasePutResult putLease(Lease lease, long now) {
    String key = leaseKey(lease.tenant(), lease.identity(), lease.slot());
    Lease existing = leases.get(key);
    if (existing != null && existing.expiresAt() > now) {
      return LeasePutResult.occupiedBy(existing);
    }
    leases.put(key, lease);
    return LeasePutResult.success();
  }

  /** key in flight (tenant, identity, key) → holder and until (epoch millis). */
  private final Map<String, Map.Entry<String, Long>> keysInFlight = new HashMap<>();

  @Override
  public synchronized boolean markKeyInFlight(
      String tenant,
      String identity,
      String idempotencyKey,
      String holder,
      long nowMillis,
      long untilMillis) {
    String k = tenant + "\u0000" + identity + "\u0000" + idempotencyKey;
    Map.Entry<String, Long> current = keysInFlight.get(k);
    if (current != null && !current.getKey().equals(holder) && current.getValue() >= nowMillis) {
      return false;
    }
    keysInFlight.put(k, Map.entry(holder, untilMillis));
    return true;
  }

  @Override
  public synchronized void clearKeyInFlight(
      String tenant, String identity, String idempotencyKey, String holder) {
    String k = tenant + "\u0000" + identity + "\u0000" + idempotencyKey;
    Map.Entry<String, Long> current = keysInFlight.get(k);
    if (current != null && current.getKey().equals(holder)) {
      keysInFlight.remove(k);
    }
  }

  @Override
  public synchronized Optional<Lease> findLease(String tenant, String identity, int slot) {
    return Optional.ofNullable(leases.get(leaseKey(tenant, identity, slot)));
  }

  @Override
  public synchronized boolean replaceLease(Lease current, Lease next) {
    String key = leaseKey(current.tenant(), current.identity(), current.slot());
    Lease stored = leases.get(key);
    if (stored == null
        || !stored.leaseId().equals(current.leaseId())
        || !stored.sandboxId().equals(current.sandboxId())) {
      return false;
    }
    leases.put(key, next);
    return true;
  }

  @Override
  public synchronized TransitionResult markForDeletion(
      String sandboxId, String tenant, String identity, long now) {
    Sandbox current = sandboxes.get(sandboxId);
    if (current == null
        || current.status() != SandboxStatus.ALLOCATED
        || !current.isHeldBy(tenant, identity)) {
      return new TransitionResult(false, Optional.ofNullable(current));
    }
    Sandbox after = SandboxTransitions.markedForDeletion(current, now);
    sandboxes.put(sandboxId, after);
    return new TransitionResult(true, Optional.of(after));
  }

  @Override
  public synchronized List<Sandbox> sandboxesInStatus(SandboxStatus status) {
    return sandboxes.values().stream().filter(s -> s.status() == status).toList();
  }

  @Override
  public synchronized TransitionResult refreshFromUpstream(Sandbox seen, UpstreamSandbox upstream) {
    return transition(
        seen,
        SandboxStatus.AVAILABLE,
        s -> SandboxTransitions.refreshed(s, upstream, SandboxStatus.AVAILABLE));
  }

  @Override
  public synchronized TransitionResult recordMissing(Sandbox seen) {
    return transition(
        seen,
        SandboxStatus.AVAILABLE,
        s -> SandboxTransitions.missing(s, s.missingCount() + 1, SandboxStatus.AVAILABLE, 0));
  }

  @Override
  public synchronized TransitionResult markStale(Sandbox seen, long now) {
    return transition(
        seen,
        SandboxStatus.AVAILABLE,
        s -> SandboxTransitions.missing(s, s.missingCount() + 1, SandboxStatus.STALE, now));
  }

  @Override
  public synchronized TransitionResult reviveStale(Sandbox seen, UpstreamSandbox upstream) {
    return transition(
        seen,
        SandboxStatus.STALE,
        s -> SandboxTransitions.refreshed(s, upstream, SandboxStatus.AVAILABLE));
  }

  @Override
  public synchronized TransitionResult expireAllocation(Sandbox seen, long now) {
    Sandbox current = sandboxes.get(seen.sandboxId());
    boolean earlierBroker = seen.leaseId().isEmpty() || seen.expiresAt() == 0;
    if (current == null
        || current.status() != SandboxStatus.ALLOCATED
        || !current.leaseId().equals(seen.leaseId())
        || (earlierBroker ? current.version() != seen.version() : current.expiresAt() > now)) {
      return new TransitionResult(false, Optional.ofNullable(current));
    }
    Sandbox after = SandboxTransitions.expired(current, now);
    sandboxes.put(after.sandboxId(), after);
    return new TransitionResult(true, Optional.of(after));
  }

  @Override
  public synchronized TransitionResult extendLease(Sandbox seen, long newExpiresAt, long now) {
    Sandbox current = sandboxes.get(seen.sandboxId());
    if (current == null
        || current.status() != SandboxStatus.ALLOCATED
        || !current.leaseId().equals(seen.leaseId())
        || current.expiresAt() <= now
        || current.expiresAt() >= newExpiresAt) {
      return new TransitionResult(false, Optional.ofNullable(current));
    }
    Sandbox after = SandboxTransitions.extended(current, newExpiresAt);
    sandboxes.put(after.sandboxId(), after);
    leases.replaceAll(
        (key, l) ->
            l.leaseId().equals(current.leaseId()) && l.sandboxId().equals(current.sandboxId())
                ? l.extendedTo(newExpiresAt)
                : l);
    return new TransitionResult(true, Optional.of(after));
  }

  @Override
  public synchronized boolean purgeStale(Sandbox seen, long staleBefore) {
    Sandbox current = sandboxes.get(seen.sandboxId());
    if (current == null
        || current.status() != SandboxStatus.STALE
        || current.version() != seen.version()
        || current.staleSince() > staleBefore) {
      return false;
    }
    sandboxes.remove(seen.sandboxId());
    return true;
  }

  @Override
  public synchronized TransitionResult claimDeletion(Sandbox seen, String runId, long now) {
    Sandbox current = sandboxes.get(seen.sandboxId());
    if (current != null && !current.leaseId().equals(seen.leaseId())) {
      return new TransitionResult(false, Optional.of(current));
    }
    return transition(seen, SandboxStatus.PENDING_DELETION, SandboxTransitions::touched);
  }

  @Override
  public synchronized TransitionResult recordPreDeleteOutcome(
      Sandbox seen, String outcome, long now) {
    TransitionResult result =
        transition(seen, SandboxStatus.PENDING_DELETION, SandboxTransitions::touched);
    if (result.applied()) {
      preDeleteOutcomes.put(seen.sandboxId(), outcome);
    }
    return result;
  }

  /** The last pre-delete outcome recorded on a sandbox (DynamoDB: {@code predelete_outcome}). */
  public synchronized Optional<String> preDeleteOutcome(String sandboxId) {
    return Optional.ofNullable(preDeleteOutcomes.get(sandboxId));
  }

  @Override
  public synchronized TransitionResult recordDeleted(Sandbox seen, long now, long ttl) {
    TransitionResult result =
        transition(
            seen,
            SandboxStatus.PENDING_DELETION,
            s ->
                SandboxTransitions.deletionOutcome(
                    s, SandboxStatus.DELETED, s.deletionAttempts() + 1, 0, "", now));
    if (result.applied()) {
      ttls.put(seen.sandboxId(), ttl);
    }
    return result;
  }

  @Override
  public synchronized TransitionResult recordDeletionRetry(
      Sandbox seen, int attempts, long nextAttemptAt, String error) {
    return transition(
        seen,
        SandboxStatus.PENDING_DELETION,
        s ->
            SandboxTransitions.deletionOutcome(
                s, SandboxStatus.PENDING_DELETION, attempts, nextAttemptAt, error, 0));
  }

  @Override
  public synchronized TransitionResult recordDeletionFailed(
      Sandbox seen, int attempts, String error) {
    return transition(
        seen,
        SandboxStatus.PENDING_DELETION,
        s ->
            SandboxTransitions.deletionOutcome(
                s, SandboxStatus.DELETION_FAILED, attempts, 0, error, 0));
  }

  /** Applies {@code change} only if the item is still in {@code expected} at the version read. */
  private TransitionResult transition(
      Sandbox seen, SandboxStatus expected, UnaryOperator<Sandbox> change) {
    Sandbox current = sandboxes.get(seen.sandboxId());
    if (current == null || current.status() != expected || current.version() != seen.version()) {
      return new TransitionResult(false, Optional.ofNullable(current));
    }
    Sandbox after = change.apply(current);
    sandboxes.put(after.sandboxId(), after);
    return new TransitionResult(true, Optional.of(after));
  }

  private static String leaseKey(String tenant, String identity, int slot) {
    return tenant + "\u0000" + identity + "\u0000" + slot;
  }

  private static String encode(String lastId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((CURSOR_PREFIX + lastId).getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!raw.startsWith(CURSOR_PREFIX)) {
        throw new InvalidCursorException();
      }
      return raw.substring(CURSOR_PREFIX.length());
    } catch (IllegalArgumentException e) {
      throw new InvalidCursorException();
    }
  }

  // ---- admin API: operator listing and repairs ----

  /** Operator actions per sandbox id; DynamoDB keeps them on the sandbox item itself. */
  private final Map<String, List<AdminAction>> adminActions = new HashMap<>();

  @Override
  public synchronized Page<Sandbox> listSandboxes(
      SandboxFilter filter, Optional<String> cursor, int limit) {
    var tail = cursor.map(c -> sandboxes.tailMap(decode(c), false)).orElse(sandboxes);
    List<Sandbox> page = new ArrayList<>();
    var it = tail.values().iterator();
    while (it.hasNext()) {
      Sandbox s = it.next();
      if (filter.matches(s)) {
        page.add(s);
        if (page.size() == limit) {
          return new Page<>(
              page, it.hasNext() ? Optional.of(encode(s.sandboxId())) : Optional.empty());
        }
      }
    }
    return new Page<>(page, Optional.empty());
  }

  @Override
  public synchronized Optional<AuditedSandbox> findAudited(String sandboxId) {
    return findSandbox(sandboxId)
        .map(s -> new AuditedSandbox(s, adminActions.getOrDefault(sandboxId, List.of())));
  }

  @Override
  public synchronized TransitionResult retryDeletion(String sandboxId, AdminAction action) {
    Sandbox current = sandboxes.get(sandboxId);
    if (current == null || current.status() != SandboxStatus.DELETION_FAILED) {
      return new TransitionResult(false, Optional.ofNullable(current));
    }
    return applyAdmin(SandboxTransitions.deletionRetried(current), action);
  }

  @Override
  public synchronized TransitionResult forceRelease(String sandboxId, AdminAction action) {
    Sandbox current = sandboxes.get(sandboxId);
    if (current == null
        || current.status() != action.fromStatus()
        || !current.status().isLive()
        || current.status() == SandboxStatus.PENDING_DELETION) {
      return new TransitionResult(false, Optional.ofNullable(current));
    }
    return applyAdmin(SandboxTransitions.forceReleased(current, action.at()), action);
  }

  @Override
  public synchronized int deleteByStatus(SandboxStatus status) {
    if (status.namesAUsedAccount()) {
      throw new IllegalArgumentException(
          status.wireName() + " records name used accounts; release them instead");
    }
    int before = sandboxes.size();
    sandboxes.values().removeIf(s -> s.status() == status);
    return before - sandboxes.size();
  }

  @Override
  public synchronized int deleteStale(long staleSinceAtOrBefore) {
    int before = sandboxes.size();
    sandboxes
        .values()
        .removeIf(s -> s.status() == SandboxStatus.STALE && s.staleSince() <= staleSinceAtOrBefore);
    return before - sandboxes.size();
  }

  private TransitionResult applyAdmin(Sandbox after, AdminAction action) {
    sandboxes.put(after.sandboxId(), after);
    adminActions.computeIfAbsent(after.sandboxId(), k -> new ArrayList<>()).add(action);
    return new TransitionResult(true, Optional.of(after));
  }
}
