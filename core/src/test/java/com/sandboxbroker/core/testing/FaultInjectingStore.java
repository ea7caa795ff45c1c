package com.sandboxbroker.core.testing;

import com.sandboxbroker.core.store.SandboxStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A {@link SandboxStore} decorator that sends every call to a real store (normally the DynamoDB
 * adapter on DynamoDB Local) through an {@link Injector}, which may fail the call before it reaches
 * the store, fail it <em>after</em> the store applied it, delay it, or block it on a latch.
 *
 * <p>Built as a {@link Proxy} over the port rather than a hand-written class so that it keeps
 * decorating every method when the port grows (tenants, pools and lease extension add methods in
 * parallel): a hand-written decorator would silently stop covering the new calls.
 */
public final class FaultInjectingStore {
  private FaultInjectingStore() {}

  /** The real call, to be run (once) by the injector. */
  @FunctionalInterface
  public interface Call {
    Object proceed() throws Throwable;
  }

  /** Decides what happens to one store call. */
  @FunctionalInterface
  public interface Injector {
    Object invoke(String method, Object[] args, Call call) throws Throwable;
  }

  public static SandboxStore wrap(SandboxStore real, Injector injector) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.invoke(real, args);
          }
          return injector.invoke(
              method.getName(),
              args == null ? new Object[0] : args,
              () -> invoke(real, method, args));
        };
    return (SandboxStore)
        Proxy.newProxyInstance(
            SandboxStore.class.getClassLoader(), new Class<?>[] {SandboxStore.class}, handler);
  }

  private static Object invoke(SandboxStore real, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** What the SDK throws when a request never reached DynamoDB (connection refused/reset). */
  public static SdkClientException lostBeforeSending(String method) {
    return SdkClientException.create("injected: " + method + " failed before it was sent");
  }

  /** What the SDK throws when DynamoDB applied the request but the answer never arrived in time. */
  public static ApiCallTimeoutException lostAfterApplying(String method) {
    return ApiCallTimeoutException.create(
        "injected: " + method + " was applied, its answer lost", null);
  }
}
