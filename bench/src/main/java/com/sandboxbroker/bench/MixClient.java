package com.sandboxbroker.bench;

import com.sandboxbroker.bench.LoadRequest.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** One client of the sustained mix (one per connection). */
final class MixClient {
  private final String prefix;
  private final List<String[]> held = new ArrayList<>(); // {identity, sandboxId}
  private int k;

  MixClient(String prefix) {
    this.prefix = prefix;
  }

  LoadRequest next(long now) {
    double dice = ThreadLocalRandom.current().nextDouble();
    if (dice < 0.10 && !held.isEmpty()) {
      String[] h = held.get(ThreadLocalRandom.current().nextInt(held.size()));
      return new LoadRequest(Kind.REPLAY, h[0], h[1], now);
    }
    if (dice < 0.20 && !held.isEmpty()) {
      String[] h = held.remove(ThreadLocalRandom.current().nextInt(held.size()));
      return new LoadRequest(Kind.RELEASE, h[0], h[1], now);
    }
    return new LoadRequest(Kind.ALLOCATE, prefix + "-" + (k++), null, now);
  }

  void answered(LoadRequest r) {
    if (r.kind == Kind.ALLOCATE && r.status == 201) {
      held.add(new String[] {r.identity, r.sandboxId});
    }
  }
}
