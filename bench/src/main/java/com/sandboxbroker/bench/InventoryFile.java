package com.sandboxbroker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/** A static inventory the service imports at start-up ({@code demoPool.inventory}). */
final class InventoryFile {
  private InventoryFile() {}

  /**
   * The measured scenario's pool, whose name its learners send as their X-Sandbox-Name-Prefix (a
   * derived pool is named for its members' common prefix, so the read needs no name filter).
   */
  static final String SCENARIO_POOL = "lab-bench";

  /**
   * The pool of the scenario's class start {@code repeat}: {@link #SCENARIO_POOL} for the first,
   * then one of its own for each repeat the CPU figures are measured over (named so that no pool's
   * name is a prefix of another's).
   */
  static String scenarioPool(int repeat) {
    return repeat == 0 ? SCENARIO_POOL : String.format("lab-repeat%02d", repeat);
  }

  /** The pool of warm-up round {@code round}: each round drains a pool of its own. */
  static String warmupPool(int round) {
    return String.format("lab-warmup%03d", round);
  }

  /**
   * The {@code i}-th sandbox of {@code pool}: a derived pool is its members' name minus -digits.
   */
  static String sandboxName(String pool, int i) {
    return String.format("%s-%06d", pool, i);
  }

  /**
   * {@code rounds} warm-up pools of {@code roundSize} accounts each, then the scenario's pool of
   * {@code count}; ids numeric like upstream's and unique within the file.
   */
  static Path write(Path dir, String name, int rounds, int roundSize, int count)
      throws IOException {
    return write(dir, name, rounds, roundSize, count, 1);
  }

  /** As {@link #write(Path, String, int, int, int)}, with {@code repeats} scenario pools. */
  static Path write(Path dir, String name, int rounds, int roundSize, int count, int repeats)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    ArrayNode accounts = json.createArrayNode();
    long id = 3_000_000L;
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < roundSize; i++) {
        add(accounts, id++, sandboxName(warmupPool(r), i));
      }
    }
    for (int r = 0; r < repeats; r++) {
      for (int i = 0; i < count; i++) {
        add(accounts, id++, sandboxName(scenarioPool(r), i));
      }
    }
    Path file = dir.resolve(name + "-inventory.json");
    json.writeValue(file.toFile(), accounts);
    return file;
  }

  private static void add(ArrayNode accounts, long id, String name) {
    accounts
        .addObject()
        .put("sandbox_id", Long.toString(id))
        .put("name", name)
        .put("external_id", "identity/accounts/" + UUID.randomUUID())
        .put("sfdc_account_id", "");
  }
}
