package com.sandboxbroker.core.store;

import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import java.util.Optional;

/**
 * What an admin listing selects; every present criterion must match.
 *
 * @param lab the sandbox's {@code track_name}
 * @param owner the sandbox's owning identity ({@code allocated_to_track})
 */
public record SandboxFilter(
    Optional<SandboxStatus> status, Optional<String> lab, Optional<String> owner) {

  public static final SandboxFilter ALL =
      new SandboxFilter(Optional.empty(), Optional.empty(), Optional.empty());

  public boolean matches(Sandbox s) {
    return status.map(x -> x == s.status()).orElse(true)
        && lab.map(x -> x.equals(s.trackName())).orElse(true)
        && owner.map(x -> x.equals(s.allocatedTo())).orElse(true);
  }
}
