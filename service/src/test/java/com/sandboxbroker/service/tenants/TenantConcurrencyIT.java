package com.sandboxbroker.service.tenants;

import static com.sandboxbroker.service.tenants.TokenApi.json;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 200 identities over 4 tenants allocate at once over HTTP; half of them use identity values that
 * every tenant also uses. Every (tenant, identity) gets exactly one sandbox and no sandbox has two
 * owners; the table agrees, and every replay returns the same sandbox.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TenantConcurrencyIT {
  private static final int TENANTS = 4;
  private static final int PER_TENANT = 50;

  record Learner(String tenant, String token, String identity) {}

  @Test
  void twoHundredIdentitiesOverFourTenantsEachGetExactlyOneSandbox() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Set<String> pool = new HashSet<>(broker.seed("lab-adventure-", 230));
      TokenApi api = new TokenApi(broker);
      List<Learner> learners = new ArrayList<>();
      for (int t = 0; t < TENANTS; t++) {
        String tenant = "tenant-" + t;
        String spec =
            t == 0
                ? "{\"tenant\":\"" + tenant + "\",\"allowed_prefixes\":[\"lab-adventure-\"]}"
                : "{\"tenant\":\"" + tenant + "\"}";
        String token = api.issue(spec).get("token").asText();
        for (int i = 0; i < PER_TENANT; i++) {
          // the first half: the same 25 identity values in every tenant
          String identity = i < PER_TENANT / 2 ? "learner-" + i : tenant + "-only-" + i;
          learners.add(new Learner(tenant, token, identity));
        }
      }

      AtomicInteger retried = new AtomicInteger();
      List<HttpResponse<String>> first =
          concurrently(learners, l -> () -> allocateLikeTheHook(api, l, retried));

      Map<String, Learner> ownerBySandbox = new HashMap<>();
      Map<Learner, String> sandboxByLearner = new HashMap<>();
      int created = 0;
      for (int i = 0; i < learners.size(); i++) {
        HttpResponse<String> r = first.get(i);
        // 201, or 200 when a retried attempt finds what an attempt answered 503 had committed
        assertThat(r.statusCode()).as(learners.get(i) + " " + r.body()).isIn(200, 201);
        created += r.statusCode() == 201 ? 1 : 0;
        String sandbox = json(r).get("sandbox_id").asText();
        assertThat(pool).contains(sandbox);
        assertThat(ownerBySandbox.put(sandbox, learners.get(i)))
            .as("second owner of " + sandbox)
            .isNull();
        sandboxByLearner.put(learners.get(i), sandbox);
      }
      assertThat(sandboxByLearner).hasSize(TENANTS * PER_TENANT);
      System.out.printf(
          "TenantConcurrencyIT: %d learners, %d answered 201, %d retries after a 503%n",
          learners.size(), created, retried.get());

      // the table agrees: each sandbox allocated once, to that identity of that tenant, and no
      // other sandbox was taken
      int allocated = 0;
      for (Sandbox s : broker.store().allSandboxes()) {
        if (s.status() != SandboxStatus.ALLOCATED) {
          continue;
        }
        allocated++;
        Learner owner = ownerBySandbox.get(s.sandboxId());
        assertThat(owner).as("allocated but never answered: " + s.sandboxId()).isNotNull();
        assertThat(s.tenant()).isEqualTo(owner.tenant());
        assertThat(s.allocatedTo()).isEqualTo(owner.identity());
      }
      assertThat(allocated).isEqualTo(TENANTS * PER_TENANT);

      // replays, all at once again: the same sandbox for every (tenant, identity)
      List<HttpResponse<String>> replays =
          concurrently(learners, l -> () -> allocateLikeTheHook(api, l, retried));
      for (int i = 0; i < learners.size(); i++) {
        assertThat(replays.get(i).statusCode()).as(replays.get(i).body()).isEqualTo(200);
        assertThat(json(replays.get(i)).get("sandbox_id").asText())
            .isEqualTo(sandboxByLearner.get(learners.get(i)));
      }
    }
  }

  /**
   * What the deployed setup hook does: retry a 5xx after its Retry-After. DynamoDB Local answers
   * "timed out waiting for a lock" when 200 requests hit it at once on a loaded 2-core machine; a
   * retry may then find the allocation its failed attempt committed (200), never a second one.
   */
  private static HttpResponse<String> allocateLikeTheHook(
      TokenApi api, Learner l, AtomicInteger retried) throws InterruptedException {
    HttpResponse<String> r = api.allocate(l.token(), l.identity());
    for (int attempt = 0; attempt < 30 && r.statusCode() >= 500; attempt++) {
      retried.incrementAndGet();
      Thread.sleep(1000);
      r = api.allocate(l.token(), l.identity());
    }
    return r;
  }

  private static <T> List<T> concurrently(
      List<Learner> learners, Function<Learner, Callable<T>> call) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(learners.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Learner l : learners) {
        Callable<T> c = call.apply(l);
        futures.add(
            threads.submit(
                () -> {
                  start.await();
                  return c.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(4, TimeUnit.MINUTES));
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }
}
