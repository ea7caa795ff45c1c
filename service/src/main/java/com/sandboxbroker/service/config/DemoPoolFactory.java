package com.sandboxbroker.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.core.provider.StaticInventoryProvider;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The local demo pool: a JSON inventory imported into an empty table at start-up (local mode only),
 * through the same sync code path the sync job uses.
 */
public final class DemoPoolFactory {
  private static final String BUNDLED = "classpath:demo-inventory.json";

  @JsonProperty private boolean importWhenEmpty = true;

  /** A file path, or {@code classpath:<resource>}; the bundled inventory holds 50 sandboxes. */
  @JsonProperty private String inventory = BUNDLED;

  public boolean importWhenEmpty() {
    return importWhenEmpty;
  }

  public StaticInventoryProvider build() {
    return new StaticInventoryProvider(readInventory());
  }

  private List<UpstreamSandbox> readInventory() {
    try (InputStream in = open()) {
      return StaticInventoryProvider.readInventory(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read demo inventory " + inventory, e);
    }
  }

  private InputStream open() throws IOException {
    if (inventory.startsWith("classpath:")) {
      InputStream in =
          getClass().getResourceAsStream("/" + inventory.substring("classpath:".length()));
      if (in == null) {
        throw new IOException("no such resource");
      }
      return in;
    }
    return Files.newInputStream(Path.of(inventory));
  }
}
