package com.sandboxbroker.service.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.service.testing.TestBroker;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Concurrency claims of contract §2, proven over HTTP against the real app on DynamoDB Local: never
 * two owners, never two sandboxes for one identity, no 409 while a sandbox is free, and strong
 * idempotency under a storm of duplicates. Each test runs on its own app and table.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AllocationConcurrencyIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void threeHundredIdentitiesOnTwoHundredSandboxes() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Set<String> pool = new HashSet<>(broker.seed("lab-class-", 200));

      List<HttpResponse<String>> responses =
          concurrently(300, i -> () -> broker.allocate("learner-" + i));

      Map<String, String> ownerBySandbox = new HashMap<>();
      int created = 0;
      int empty = 0;
      for (int i = 0; i < responses.size(); i++) {
        HttpResponse<String> r = responses.get(i);
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() == 201) {
          created++;
          String sandbox = body.get("sandbox_id").asText();
          assertThat(pool).contains(sandbox);
          assertThat(ownerBySandbox.put(sandbox, "learner-" + i))
              .as("second owner of " + sandbox)
              .isNull();
        } else {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
          assertThat(body.at("/detail/code").asText()).isEqualTo("NO_SANDBOXES_AVAILABLE");
          assertThat(body.at("/detail/reason").asText()).isEqualTo("pool_empty");
          assertThat(body.at("/detail/retry_after").asInt()).isEqualTo(30);
          assertThat(r.headers().firstValue("Retry-After")).hasValue("30");
          empty++;
        }
      }
      assertThat(created).isEqualTo(200);
      assertThat(empty).isEqualTo(100);
      assertThat(ownerBySandbox).hasSize(200);

      // The table agrees: every sandbox allocated exactly once, to the identity that was told so.
      Map<String, Sandbox> stored = new HashMap<>();
      broker.store().allSandboxes().forEach(s -> stored.put(s.sandboxId(), s));
      Set<String> owners = new HashSet<>();
      for (var e : ownerBySandbox.entrySet()) {
        Sandbox s = stored.get(e.getKey());
        assertThat(s.status()).isEqualTo(SandboxStatus.ALLOCATED);
        assertThat(s.allocatedTo()).isEqualTo(e.getValue());
        assertThat(owners.add(s.allocatedTo())).as("identity with two sandboxes").isTrue();
      }
    }
  }

  @Test
  void contentionNeverYieldsNoSandboxWhileOneIsFree() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      broker.seed("lab-full-", 100);

      List<HttpResponse<String>> responses =
          concurrently(100, i -> () -> broker.allocate("student-" + i));

      Set<String> sandboxes = new HashSet<>();
      for (HttpResponse<String> r : responses) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        sandboxes.add(JSON.readTree(r.body()).get("sandbox_id").asText());
      }
      assertThat(sandboxes).hasSize(100);
    }
  }

  @Test
  void fiftyConcurrentRetriesOfOneIdentityGetOneSandboxAndOneBody() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      broker.seed("lab-retry-", 20);

      List<HttpResponse<String>> responses =
          concurrently(50, i -> () -> broker.allocate("same-learner"));

      Set<String> bodies = new HashSet<>();
      int created = 0;
      for (HttpResponse<String> r : responses) {
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        created += r.statusCode() == 201 ? 1 : 0;
        bodies.add(r.body());
      }
      assertThat(bodies).hasSize(1);
      assertThat(created).isEqualTo(1);
      long held =
          broker.store().allSandboxes().stream()
              .filter(s -> s.allocatedTo().equals("same-learner"))
              .count();
      assertThat(held).isEqualTo(1);
    }
  }

  /** Runs n calls at once (all released by one latch) and returns their results in order. */
  static <T> List<T> concurrently(int n, IntFunction<Callable<T>> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<T> c = call.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return c.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(3, TimeUnit.MINUTES));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
