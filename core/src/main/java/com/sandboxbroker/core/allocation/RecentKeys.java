package com.sandboxbroker.core.allocation;

import java.util.Map;

/**
 * The idempotency key of the last lease this instance wrote for each recent identity: a hint that
 * the identity's next request with that key is a replay, to be answered from its lease before it
 * reserves a candidate. Without it a replay reserves a candidate for the length of its lease write,
 * and at the end of a class start the replays that follow each learner's answer keep taking the
 * last free sandbox away from the learner still waiting for it.
 *
 * <p>Only a hint: a request it does not know (another instance wrote the lease, or the entry was
 * evicted) takes the ordinary path, whose conditional lease write still finds the replay; a request
 * it wrongly takes for a replay costs one extra read. Bounded whatever identities callers send.
 */
final class RecentKeys {
  private static final int MAX_IDENTITIES = 65_536;

  private final Map<String, String> keyByIdentity = BoundedMaps.leastRecentlyUsed(MAX_IDENTITIES);

  void remember(AllocationRequest request) {
    keyByIdentity.put(identityOf(request), request.idempotencyKey());
  }

  boolean isLikelyReplay(AllocationRequest request) {
    return request.idempotencyKey().equals(keyByIdentity.get(identityOf(request)));
  }

  private static String identityOf(AllocationRequest request) {
    // the tenant name cannot contain the separator (tenant names are validated slugs)
    return request.tenant() + '\n' + request.identity();
  }
}
