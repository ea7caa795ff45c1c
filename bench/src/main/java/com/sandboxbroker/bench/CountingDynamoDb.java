package com.sandboxbroker.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Counts the requests a {@link DynamoDbClient} makes, by operation. The embedded DynamoDB Local
 * client has no SDK pipeline, so an execution interceptor would never run: a proxy counts instead.
 */
final class CountingDynamoDb {
  static final Set<String> WRITES =
      Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems");

  private final Map<String, LongAdder> byOperation = new ConcurrentHashMap<>();
  private final DynamoDbClient client;

  CountingDynamoDb(DynamoDbClient target) {
    this.client =
        (DynamoDbClient)
            Proxy.newProxyInstance(
                DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                  if (SdkResponse.class.isAssignableFrom(method.getReturnType())) {
                    String op =
                        Character.toUpperCase(method.getName().charAt(0))
                            + method.getName().substring(1);
                    byOperation.computeIfAbsent(op, k -> new LongAdder()).increment();
                  }
                  try {
                    return method.invoke(target, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
  }

  DynamoDbClient client() {
    return client;
  }

  long writes() {
    return byOperation.entrySet().stream()
        .filter(e -> WRITES.contains(e.getKey()))
        .mapToLong(e -> e.getValue().sum())
        .sum();
  }

  long total() {
    return byOperation.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
