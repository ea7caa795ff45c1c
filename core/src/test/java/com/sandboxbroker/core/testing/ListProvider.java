package com.sandboxbroker.core.testing;

import com.sandboxbroker.core.provider.SandboxProvider;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** An upstream whose listing a test sets directly. */
public final class ListProvider implements SandboxProvider {
  private volatile List<UpstreamSandbox> accounts = List.of();
  private final List<String> deleted = new ArrayList<>();

  public void set(List<UpstreamSandbox> accounts) {
    this.accounts = List.copyOf(accounts);
  }

  public static List<UpstreamSandbox> accounts(int from, int toExclusive) {
    return IntStream.range(from, toExclusive)
        .mapToObj(
            i ->
                new UpstreamSandbox(
                    Integer.toString(i), "lab-" + i, "identity/accounts/uuid-" + i, ""))
        .toList();
  }

  @Override
  public List<UpstreamSandbox> listSandboxes() {
    return accounts;
  }

  @Override
  public synchronized void deleteSandbox(Sandbox sandbox) {
    deleted.add(sandbox.sandboxId());
    accounts = accounts.stream().filter(a -> !a.sandboxId().equals(sandbox.sandboxId())).toList();
  }

  public synchronized List<String> deleted() {
    return List.copyOf(deleted);
  }
}
