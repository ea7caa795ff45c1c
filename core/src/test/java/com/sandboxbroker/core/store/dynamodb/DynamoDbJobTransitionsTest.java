package com.sandboxbroker.core.store.dynamodb;

import com.sandboxbroker.core.store.JobTransitionsContract;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.testing.LocalDynamo;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The job transitions on DynamoDB Local: a fresh table per test. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DynamoDbJobTransitionsTest extends JobTransitionsContract {
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
    return new DynamoDbSandboxStore(dynamo.client(), LocalDynamo.newTable(dynamo.client()));
  }
}
