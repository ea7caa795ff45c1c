package com.sandboxbroker.core.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.store.InvalidCursorException;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.SandboxStoreContract;
import com.sandboxbroker.core.testing.LocalDynamo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The store contract on DynamoDB Local: a fresh table per test. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DynamoDbSandboxStoreTest extends SandboxStoreContract {
  private static LocalDynamo dynamo;
  private String table;

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
    table = LocalDynamo.newTable(dynamo.client());
    return new DynamoDbSandboxStore(dynamo.client(), table);
  }

  @Test
  void refusesEditedCursorsInsteadOfStartingElsewhere() {
    for (int i = 0; i < 4; i++) {
      store.insertSandbox(sandbox("cur" + i, "lab-cur-" + i));
    }
    String cursor = store.findAvailable("", Optional.empty(), 1).cursor().orElseThrow();
    assertThat(store.findAvailable("", Optional.of(cursor), 1).items()).hasSize(1);
    for (String edited :
        List.of(
            cursor + "x",
            cursor + "xy",
            cursor.substring(0, cursor.length() - 1),
            cursor.substring(0, cursor.length() - 2) + (cursor.endsWith("AA") ? "BB" : "AA"))) {
      assertThatThrownBy(() -> store.findAvailable("", Optional.of(edited), 1))
          .as(edited)
          .isInstanceOf(InvalidCursorException.class);
    }
  }

  /**
   * A fence is no lifecycle event: it must not leave the item's last event marker standing, or the
   * stream's filter would publish that event a second time. (Failed before the fence went through
   * the update builder: the fence's {@code ADD} left {@code sandbox_added} on the item.)
   */
  @Test
  void aFenceRepeatsNoEvent() {
    Sandbox s = sandbox("fence-event", "lab-fence-1");
    store.insertSandbox(s);
    assertThat(rawItem(s)).containsKey(EventContract.LIFECYCLE_EVENT_ATTRIBUTE);

    assertThat(store.fenceClaim(lease("ann", 0, "k1", "L-abandoned", s))).isTrue();

    Map<String, AttributeValue> fenced = rawItem(s);
    assertThat(fenced).doesNotContainKey(EventContract.LIFECYCLE_EVENT_ATTRIBUTE);
    assertThat(fenced.get(Items.FENCED_LEASES).ss()).containsExactly("L-abandoned");
    assertThat(store.claim(lease("ann", 0, "k1", "L-abandoned", s)).applied()).isFalse();
  }

  private Map<String, AttributeValue> rawItem(Sandbox s) {
    return dynamo
        .client()
        .getItem(b -> b.tableName(table).key(Items.sandboxKey(s.sandboxId())).consistentRead(true))
        .item();
  }
}
