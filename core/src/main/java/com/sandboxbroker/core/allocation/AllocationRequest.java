package com.sandboxbroker.core.allocation;

import java.time.Duration;
import java.util.Optional;

/**
 * What a track asks for.
 *
 * @param idempotencyKey the client's key; the identity itself when the client sent none
 * @param lab the lab label stored as {@code track_name}, {@code ""} when not given
 * @param namePrefix only sandboxes whose name starts with it; {@code ""} for any
 * @param leaseOverride a lease duration bound to the caller's token, if any
 */
public record AllocationRequest(
    String identity,
    String idempotencyKey,
    String lab,
    String namePrefix,
    Optional<Duration> leaseOverride) {}
