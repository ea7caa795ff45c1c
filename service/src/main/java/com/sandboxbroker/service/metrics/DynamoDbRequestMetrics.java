package com.sandboxbroker.service.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Counts the DynamoDB requests this process sends, per operation, in the metric registry: meter
 * {@code dynamodb.requests} (all operations) and {@code dynamodb.requests.<Operation>} (e.g. {@code
 * PutItem}). Requests per allocation is the store's cost figure (benchmark issue; billed per
 * request in AWS).
 *
 * <p>Two feeds, one set of meters: an SDK {@link ExecutionInterceptor} for the client built in
 * {@code aws} mode, and a {@link Proxy} over the {@link DynamoDbClient} interface for the embedded
 * DynamoDB Local client, which is itself a dynamic proxy with no SDK pipeline, so interceptors
 * never run on it. Both count one per operation call (an SDK retry of the same call is not counted
 * again), so the figures of the two modes compare.
 */
public final class DynamoDbRequestMetrics {
  public static final String REQUESTS = "dynamodb.requests";

  private final MetricRegistry registry;
  private final Meter all;
  private final Map<String, Meter> byOperation = new ConcurrentHashMap<>();

  public DynamoDbRequestMetrics(MetricRegistry registry) {
    this.registry = registry;
    this.all = registry.meter(REQUESTS);
  }

  /**
   * For the SDK-built client: {@code overrideConfiguration(o -> o.addExecutionInterceptor(...))}.
   */
  public ExecutionInterceptor interceptor() {
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String request = context.request().getClass().getSimpleName(); // e.g. PutItemRequest
        mark(request.endsWith("Request") ? request.substring(0, request.length() - 7) : request);
      }
    };
  }

  /**
   * For a client without an SDK pipeline (embedded DynamoDB Local): counts every operation call.
   */
  public DynamoDbClient counting(DynamoDbClient target) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (SdkResponse.class.isAssignableFrom(method.getReturnType())) {
            mark(operationName(method));
          }
          try {
            return method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause(); // the SDK's own exception, e.g. ConditionalCheckFailedException
          }
        };
    return (DynamoDbClient)
        Proxy.newProxyInstance(
            DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class}, handler);
  }

  private void mark(String operation) {
    all.mark();
    byOperation.computeIfAbsent(operation, op -> registry.meter(REQUESTS + "." + op)).mark();
  }

  /** {@code updateItem} → {@code UpdateItem}, whichever overload (request or builder consumer). */
  private static String operationName(Method method) {
    String name = method.getName();
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
