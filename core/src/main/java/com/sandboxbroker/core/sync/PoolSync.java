package com.sandboxbroker.core.sync;

import com.sandboxbroker.core.provider.SandboxProvider;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.SandboxStore;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * Sync: upstream accounts → pool. New accounts are inserted as {@code available} with a
 * conditional put, so a sync can never overwrite a sandbox someone holds.
 */
public final class PoolSync {
  private final SandboxStore store;
  private final SandboxProvider provider;
  private final Clock clock;

  public PoolSync(SandboxStore store, SandboxProvider provider, Clock clock) {
    this.store = store;
    this.provider = provider;
    this.clock = clock;
  }

  /** Counts of one run. */
  public record Result(int listed, int inserted) {}

  public Result run() {
    long now = clock.instant().getEpochSecond();
    Set<String> known = new HashSet<>();
    for (Sandbox s : store.allSandboxes()) {
      known.add(s.sandboxId());
    }
    int inserted = 0;
    var listed = provider.listSandboxes();
    for (UpstreamSandbox u : listed) {
      if (!known.contains(u.sandboxId()) && store.insertSandbox(Sandbox.available(u, now))) {
        inserted++;
      }
    }
    return new Result(listed.size(), inserted);
  }
}
