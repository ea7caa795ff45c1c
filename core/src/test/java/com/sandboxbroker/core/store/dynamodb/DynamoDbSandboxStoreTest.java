package com.sandboxbroker.core.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.SandboxStoreContract;
import com.sandboxbroker.core.testing.LocalDynamo;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The store contract on DynamoDB Local: a fresh table per test. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DynamoDbSandboxStoreTest extends SandboxStoreContract {
  private static LocalDynamo dynamo;

  @BeforeAll
  static void startDynamo() {
    dynamo = LocalDynamo.start();
  }

  @AfterAll
  static void stopDynamo() {
    dynamo.close();
  }

  @Override
  protected SandboxStore newStore() {
    return new DynamoDbSandboxStore(dynamo.client(), LocalDynamo.uniqueTableName());
  }

  @org.junit.jupiter.api.Test
  void refusesEditedCursorsInsteadOfStartingElsewhere() {
    for (int i = 0; i < 4; i++) {
      store.insertSandbox(sandbox("cur" + i, "lab-cur-" + i));
    }
    String cursor = store.findAvailable("", java.util.Optional.empty(), 1).cursor().orElseThrow();
    assertThat(store.findAvailable("", java.util.Optional.of(cursor), 1).items()).hasSize(1);
    for (String edited :
        java.util.List.of(
            cursor + "x",
            cursor + "xy",
            cursor.substring(0, cursor.length() - 1),
            cursor.substring(0, cursor.length() - 2) + (cursor.endsWith("AA") ? "BB" : "AA"))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> store.findAvailable("", java.util.Optional.of(edited), 1))
          .as(edited)
          .isInstanceOf(com.sandboxbroker.core.store.InvalidCursorException.class);
    }
  }
}
