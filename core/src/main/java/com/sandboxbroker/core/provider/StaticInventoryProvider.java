package com.sandboxbroker.core.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A provider backed by a fixed inventory (a JSON list of accounts), for local mode and demos.
 * Deleting a sandbox "recycles" it: the account reappears upstream under a fresh id and uuid, the
 * way an operator would re-create a lab account, so the local pool refills itself.
 */
public final class StaticInventoryProvider implements SandboxProvider {
  private final List<UpstreamSandbox> accounts = new ArrayList<>();
  private final AtomicLong nextId;

  public StaticInventoryProvider(List<UpstreamSandbox> inventory) {
    accounts.addAll(inventory);
    long max = 0;
    for (UpstreamSandbox u : inventory) {
      try {
        max = Math.max(max, Long.parseLong(u.sandboxId()));
      } catch (NumberFormatException ignored) {
        // non-numeric ids are fine; recycled accounts just number from 1
      }
    }
    this.nextId = new AtomicLong(max + 1);
  }

  /** Reads {@code [{"sandbox_id", "name", "external_id", "sfdc_account_id"?}, …]}. */
  public static List<UpstreamSandbox> readInventory(InputStream json) {
    try {
      JsonNode root = new ObjectMapper().readTree(json);
      List<UpstreamSandbox> out = new ArrayList<>();
      for (JsonNode n : root) {
        out.add(
            new UpstreamSandbox(
                n.path("sandbox_id").asText(),
                n.path("name").asText(),
                n.path("external_id").asText(),
                n.path("sfdc_account_id").asText("")));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable inventory", e);
    }
  }

  @Override
  public synchronized List<UpstreamSandbox> listSandboxes() {
    return List.copyOf(accounts);
  }

  @Override
  public synchronized void deleteSandbox(Sandbox sandbox) {
    boolean removed = accounts.removeIf(a -> a.sandboxId().equals(sandbox.sandboxId()));
    if (removed) {
      String id = Long.toString(nextId.getAndIncrement());
      accounts.add(
          new UpstreamSandbox(
              id,
              sandbox.name(),
              "identity/accounts/" + UUID.randomUUID(),
              sandbox.sfdcAccountId()));
    }
  }
}
