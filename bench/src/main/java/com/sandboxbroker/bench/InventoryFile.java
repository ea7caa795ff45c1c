package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/** A static inventory the service imports at start-up ({@code demoPool.inventory}). */
final class InventoryFile {
  private InventoryFile() {}

  /** {@code count} accounts named like the demo pool's, with ids unique within the file. */
  static Path write(Path dir, String name, int count) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ArrayNode accounts = json.createArrayNode();
    for (int i = 0; i < count; i++) {
      accounts
          .addObject()
          .put("sandbox_id", Long.toString(3_000_000L + i)) // numeric, like upstream ids
          .put("name", String.format("lab-bench-%06d", i))
          .put("external_id", "identity/accounts/" + UUID.randomUUID())
          .put("sfdc_account_id", "");
    }
    Path file = dir.resolve(name + "-inventory.json");
    json.writeValue(file.toFile(), accounts);
    return file;
  }
}
