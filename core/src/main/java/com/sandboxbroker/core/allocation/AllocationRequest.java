package com.sandboxbroker.core.allocation;

import com.sandboxbroker.core.tenant.Tenant;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a track asks for.
 *
 * @param idempotencyKey the client's key; the identity itself when the client sent none
 * @param lab the lab label stored as {@code track_name}, {@code ""} when not given
 * @param namePrefix only sandboxes whose name starts with it; {@code ""} for any
 * @param leaseOverride a lease duration bound to the caller's token, if any
 * @param tenant the caller's tenant: identity, key and cap are counted within it (contract §6)
 * @param identityCapOverride an identity cap bound to the caller's token, if any
 */
public record AllocationRequest(
    String identity,
    String idempotencyKey,
    String lab,
    String namePrefix,
    Optional<Duration> leaseOverride,
    String tenant,
    OptionalInt identityCapOverride) {

  public AllocationRequest {
    tenant = Tenant.orDefault(tenant);
  }

  /** A request of the {@code default} tenant under the configured cap. */
  public AllocationRequest(
      String identity,
      String idempotencyKey,
      String lab,
      String namePrefix,
      Optional<Duration> leaseOverride) {
    this(
        identity,
        idempotencyKey,
        lab,
        namePrefix,
        leaseOverride,
        Tenant.DEFAULT,
        OptionalInt.empty());
  }
}
