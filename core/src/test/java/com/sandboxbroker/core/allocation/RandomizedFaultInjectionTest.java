package com.sandboxbroker.core.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.cleanup.Cleanup;
import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.expiry.Expiry;
import com.sandboxbroker.core.expiry.ExpiryPolicy;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobContext;
import com.sandboxbroker.core.provider.SandboxProvider;
import com.sandboxbroker.core.provider.StaticInventoryProvider;
import com.sandboxbroker.core.provider.UpstreamUnavailableException;
import com.sandboxbroker.core.sandbox.AdminAction;
import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.core.sandbox.IdentityLimitReachedException;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.LeaseExpiredException;
import com.sandboxbroker.core.sandbox.LeaseLimitReachedException;
import com.sandboxbroker.core.sandbox.NoSandboxAvailableException;
import com.sandboxbroker.core.sandbox.NotSandboxOwnerException;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxNotAllocatedException;
import com.sandboxbroker.core.sandbox.SandboxNotFoundException;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.core.sync.SyncPolicy;
import com.sandboxbroker.core.tenant.Tenant;
import com.sandboxbroker.core.testing.FaultInjectingStore;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * Issue 13's randomized fault-injection test. On DynamoDB Local, steps of concurrent operations —
 * allocations and replays on two allocator instances (two service tasks sharing the table), owner
 * releases and lease extensions ({@link LeaseExtender}), admin force-release and retry-deletion,
 * and the three jobs against a static upstream — run while {@link FaultInjectingStore} makes store
 * calls fail before they are sent, fail <em>after</em> DynamoDB applied them, or stall past the
 * claim budget (the shared clock jumps while a call stalls, so other requests see its lease as
 * abandoned). The upstream's deletes fail too.
 *
 * <p>After every step, with nothing in flight, the table and the allocators must show: no sandbox
 * with two owners (nor one handed to two keys), no identity holding more live sandboxes than its
 * cap, no candidate still reserved by a request that ended, and no upstream delete of a sandbox
 * that was not being released (checked at the moment of the delete); and for extensions: a live
 * allocation's {@code expires_at} never moves earlier, never passes {@code allocated_at} + the
 * maximum lease, and is the same on the sandbox and on its lease (the one clock replays answer
 * from). Every few steps a fault-free probe allocation must get a sandbox whenever the table shows
 * one {@code available}.
 *
 * <p>Seeded: {@code -Dfaults.seed=<n>} replays a run's operation sequence and fault choices (thread
 * timing aside; {@code -Dfaults.workers=1} removes that too). {@code -Dfaults.operations} sets the
 * size. A failure names the seed and the step.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class RandomizedFaultInjectionTest {
  static final int OPERATIONS = Integer.getInteger("faults.operations", 5_000);
  static final int WORKERS = Integer.getInteger("faults.workers", 6);
  static final int MIN_FAULTS = 500;
  static final int IDENTITIES = 14;
  static final int CAP = 2;
  static final int POOL = 40;

  /**
   * Short, so a stalled call easily outlasts it; the steps still finish fast on an idle machine.
   */
  static final Duration CLAIM_BUDGET = Duration.ofMillis(200);

  /**
   * Simulated time per step: leases of minutes expire within a run, pending leases look abandoned.
   */
  static final Duration STEP_TIME = Duration.ofSeconds(20);

  /** Chance that one store call of an operation is hit by a fault. */
  static final double FAULT_RATE = 0.035;

  static final int PROBE_EVERY = 20;

  /** The bound of an extension (contract §7): never past {@code allocated_at + MAX_LEASE}. */
  static final Duration MAX_LEASE = Duration.ofHours(72);

  /** The operation mix, one weighted entry each. */
  static final List<Op> OPERATION_SET =
      List.of(
          new Op("allocate", 30, World::allocate),
          new Op("replay", 16, World::replay),
          new Op("release", 12, World::release),
          new Op("extend", 10, World::extend),
          new Op("force-release", 4, World::forceRelease),
          new Op("retry-deletion", 4, World::retryDeletion),
          new Op("sync", 5, w -> w.runJob(w.sync)),
          new Op("cleanup", 6, w -> w.runJob(w.cleanup)),
          new Op("expiry", 5, w -> w.runJob(w.expiry)));

  record Op(String name, int weight, OpBody body) {}

  @FunctionalInterface
  interface OpBody {
    void run(World world) throws Exception;
  }

  enum Fault {
    BEFORE,
    AFTER,
    DELAY
  }

  /** The fault choices of one operation, inherited by the threads a job starts for it. */
  static final InheritableThreadLocal<Random> FAULTS = new InheritableThreadLocal<>();

  @Test
  void invariantsHoldUnderInjectedFaults() throws Exception {
    long seed = Long.getLong("faults.seed", System.nanoTime());
    System.out.println("fault-injection seed " + seed + " (rerun: -Dfaults.seed=" + seed + ")");
    long started = System.nanoTime();
    // DynamoDB Local embedded (no HTTP hop): the same engine and conditions, ~1.7x the throughput
    AmazonDynamoDBLocal embedded = DynamoDBEmbedded.create(true);
    try (var client = embedded.dynamoDbClient()) {
      DynamoDbSandboxStore real = new DynamoDbSandboxStore(client, LocalDynamo.newTable(client));
      World world = new World(seed, real);
      world.sync.run(JobContext.UNSUPERVISED); // the initial import, fault-free

      Random plan = new Random(seed);
      ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
      int operations = 0;
      int step = 0;
      try {
        while (operations < OPERATIONS) {
          step++;
          List<Future<?>> running = new ArrayList<>();
          for (int w = 0; w < WORKERS; w++) {
            Op op = pick(plan);
            long opSeed = plan.nextLong();
            int stepNo = step;
            running.add(workers.submit(() -> world.execute(op, opSeed, stepNo)));
          }
          for (Future<?> f : running) {
            f.get(2, TimeUnit.MINUTES);
          }
          operations += running.size();
          long c0 = System.nanoTime();
          world.check(step);
          if (step % PROBE_EVERY == 0) {
            world.probe(step);
          }
          world.checkNanos.addAndGet(System.nanoTime() - c0);
          assertThat(world.violations).as(failureContext(seed, step)).isEmpty();
          world.clock.advance(STEP_TIME);
        }
      } finally {
        workers.shutdownNow();
      }

      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      System.out.println(world.summary(seed, step, operations, seconds));
      if (Boolean.getBoolean("faults.verbose")) {
        Map<String, Long> ms = new TreeMap<>();
        world.opNanos.forEach((k, v) -> ms.put(k, TimeUnit.NANOSECONDS.toMillis(v.get())));
        System.out.println(
            "fault-injection timings (ms, summed over workers): "
                + ms
                + " checks="
                + TimeUnit.NANOSECONDS.toMillis(world.checkNanos.get())
                + " outcomes="
                + new TreeMap<>(world.outcomes));
      }
      assertThat(world.violations).as(failureContext(seed, step)).isEmpty();
      assertThat(operations).isGreaterThanOrEqualTo(OPERATIONS);
      assertThat(world.faultCount())
          .as("injected faults (seed %d)", seed)
          .isGreaterThanOrEqualTo(OPERATIONS >= 5_000 ? MIN_FAULTS : 0);
      // the run must have exercised what it claims to: allocations, expiries, deletions
      assertThat(world.outcomes.get("allocate:ok").get()).isPositive();
      assertThat(world.upstreamDeletes.get()).isPositive();
    } finally {
      embedded.shutdown();
    }
  }

  private static String failureContext(long seed, int step) {
    return "invariant broken at step "
        + step
        + " of seed "
        + seed
        + " (rerun with -Dfaults.seed="
        + seed
        + ")";
  }

  private static Op pick(Random random) {
    int total = OPERATION_SET.stream().mapToInt(Op::weight).sum();
    int r = random.nextInt(total);
    for (Op op : OPERATION_SET) {
      r -= op.weight();
      if (r < 0) {
        return op;
      }
    }
    throw new IllegalStateException();
  }

  /** The system under test, its fault plumbing and what the checks remember between steps. */
  static final class World {
    final MutableClock clock = MutableClock.systemUtc();
    final DynamoDbSandboxStore real;
    final SandboxStore faulty;
    final List<Allocator> allocators;
    final List<LeaseExtender> extenders;
    final Job sync;
    final Job cleanup;
    final Job expiry;

    final List<String> violations = new CopyOnWriteArrayList<>();
    final Map<Fault, AtomicLong> faults = new EnumMap<>(Fault.class);
    final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    final AtomicLong upstreamDeletes = new AtomicLong();
    final AtomicLong upstreamFailures = new AtomicLong();
    final AtomicLong probes = new AtomicLong();

    /**
     * Time spent per operation kind, printed with -Dfaults.verbose to see where a run's time goes.
     */
    final Map<String, AtomicLong> opNanos = new ConcurrentHashMap<>();

    final AtomicLong checkNanos = new AtomicLong();

    /** Every (identity, key) ever asked for, so replays also retry requests that failed. */
    final List<Request> asked = new CopyOnWriteArrayList<>();

    /** Every allocation answered: sandbox id → the (identity, key) it was handed to. */
    final Map<String, Request> handedTo = new ConcurrentHashMap<>();

    /** sandbox id → the first owner the table ever showed. */
    final Map<String, String> firstOwner = new HashMap<>();

    /** lease id → the latest expires_at a check saw on its live allocation. */
    final Map<String, Long> latestExpiry = new HashMap<>();

    /** The last checked table, for the admin operations to pick targets from. */
    volatile List<Sandbox> snapshot = List.of();

    final AtomicLong keys = new AtomicLong();
    final AtomicLong probeIds = new AtomicLong();

    record Request(String identity, String key) {}

    World(long seed, DynamoDbSandboxStore real) {
      this.real = real;
      for (Fault f : Fault.values()) {
        faults.put(f, new AtomicLong());
      }
      this.faulty = FaultInjectingStore.wrap(real, this::inject);
      AllocationPolicy policy =
          new AllocationPolicy(
              CAP, Duration.ofHours(48), Map.of("short", Duration.ofMinutes(10)), CLAIM_BUDGET, 20);
      Random ids = new Random(seed ^ 0x5DEECE66DL);
      // two instances of the service: separate candidate buffers over one table
      this.allocators =
          List.of(
              new Allocator(
                  faulty,
                  policy,
                  clock,
                  () -> "lease-" + Long.toHexString(ids.nextLong()),
                  AllocationListener.NONE),
              new Allocator(
                  faulty,
                  policy,
                  clock,
                  () -> "lease-" + Long.toHexString(ids.nextLong()),
                  AllocationListener.NONE));
      this.extenders = allocators.stream().map(a -> new LeaseExtender(a, faulty, clock)).toList();
      SandboxProvider upstream =
          new CheckedUpstream(
              new StaticInventoryProvider(
                  IntStream.rangeClosed(1, POOL)
                      .mapToObj(
                          i ->
                              new UpstreamSandbox(
                                  Integer.toString(i), "lab-" + i, "identity/accounts/u-" + i, ""))
                      .toList()));
      this.sync = new PoolSync(faulty, upstream, clock, new SyncPolicy(0.5, 4));
      this.cleanup =
          new Cleanup(
              faulty,
              upstream,
              Optional.empty(),
              clock,
              new CleanupPolicy(
                  3, 2, Duration.ofSeconds(1), Duration.ofSeconds(5), 100, Duration.ofDays(1), 50));
      this.expiry =
          new Expiry(
              faulty,
              clock,
              ExpiryPolicy.defaults(),
              lab -> lab.equals("short") ? Duration.ofMinutes(10) : Duration.ofHours(48));
    }

    // ---- fault plumbing

    private Object inject(String method, Object[] args, FaultInjectingStore.Call call)
        throws Throwable {
      Random random = FAULTS.get();
      Fault fault = null;
      if (random != null) {
        synchronized (random) {
          if (random.nextDouble() < FAULT_RATE) {
            fault = Fault.values()[random.nextInt(Fault.values().length)];
          }
        }
      }
      if (fault == null) {
        return call.proceed();
      }
      faults.get(fault).incrementAndGet();
      switch (fault) {
        case BEFORE -> throw FaultInjectingStore.lostBeforeSending(method);
        case AFTER -> {
          call.proceed();
          throw FaultInjectingStore.lostAfterApplying(method);
        }
        default -> {
          // a stalled call: it lands after the claim budget, and long enough in lease time that
          // other requests take its lease for abandoned
          clock.advance(CLAIM_BUDGET.multipliedBy(3));
          Thread.sleep(CLAIM_BUDGET.toMillis() + 20);
          return call.proceed();
        }
      }
    }

    long faultCount() {
      return faults.values().stream().mapToLong(AtomicLong::get).sum();
    }

    void execute(Op op, long opSeed, int step) {
      Random random = new Random(opSeed);
      FAULTS.set(random);
      opRandom.set(random);
      long t0 = System.nanoTime();
      try {
        op.body().run(this);
        count(op.name() + ":ok");
      } catch (SdkException
          | AllocationTimeoutException
          | SandboxNotAllocatedException
          | LeaseExpiredException
          | LeaseLimitReachedException
          | NoSandboxAvailableException
          | IdentityLimitReachedException
          | NotSandboxOwnerException
          | SandboxNotFoundException e) {
        count(op.name() + ":" + e.getClass().getSimpleName()); // outcomes the API maps to 4xx/503
      } catch (Throwable e) {
        violations.add("step " + step + " " + op.name() + " threw " + e); // would be a 500
      } finally {
        FAULTS.remove();
        opNanos.computeIfAbsent(op.name(), k -> new AtomicLong()).addAndGet(System.nanoTime() - t0);
      }
    }

    /** The running operation's random source (the same object as its fault choices). */
    private final ThreadLocal<Random> opRandom = new ThreadLocal<>();

    private Random random() {
      return opRandom.get();
    }

    private void count(String outcome) {
      outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    private Allocator anyAllocator() {
      return allocators.get(random().nextInt(allocators.size()));
    }

    // ---- operations

    void allocate() {
      Random r = random();
      Request req =
          new Request("learner-" + r.nextInt(IDENTITIES), "key-" + keys.incrementAndGet());
      asked.add(req);
      String lab = r.nextInt(3) == 0 ? "short" : "lab";
      record(
          req,
          anyAllocator()
              .allocate(
                  new AllocationRequest(req.identity(), req.key(), lab, "", Optional.empty())));
    }

    void replay() {
      if (asked.isEmpty()) {
        return;
      }
      Request req = asked.get(random().nextInt(asked.size()));
      record(
          req,
          anyAllocator()
              .allocate(
                  new AllocationRequest(req.identity(), req.key(), "lab", "", Optional.empty())));
    }

    void release() {
      List<Map.Entry<String, Request>> given = new ArrayList<>(handedTo.entrySet());
      if (given.isEmpty()) {
        return;
      }
      given.sort(Map.Entry.comparingByKey()); // the random pick must not depend on map order
      var pick = given.get(random().nextInt(given.size()));
      anyAllocator().markForDeletion(pick.getKey(), Tenant.DEFAULT, pick.getValue().identity());
    }

    /**
     * The owner extends by 1 to 30 hours (or its default), racing releases, expiry and the other
     * task.
     */
    void extend() {
      List<Map.Entry<String, Request>> given = new ArrayList<>(handedTo.entrySet());
      if (given.isEmpty()) {
        return;
      }
      given.sort(Map.Entry.comparingByKey());
      Random r = random();
      var pick = given.get(r.nextInt(given.size()));
      Optional<Duration> hours =
          r.nextInt(4) == 0 ? Optional.empty() : Optional.of(Duration.ofHours(1 + r.nextInt(30)));
      Sandbox extended =
          extenders
              .get(r.nextInt(extenders.size()))
              .extend(
                  pick.getKey(),
                  Tenant.DEFAULT,
                  pick.getValue().identity(),
                  hours,
                  s -> Duration.ofHours(48),
                  MAX_LEASE);
      if (extended.status() != SandboxStatus.ALLOCATED
          || !extended.allocatedTo().equals(pick.getValue().identity())) {
        violations.add(
            "extend of "
                + pick.getKey()
                + " answered "
                + extended.status().wireName()
                + " held by '"
                + extended.allocatedTo()
                + "' to "
                + pick.getValue());
      }
    }

    void forceRelease() {
      List<Sandbox> live =
          snapshot.stream()
              .filter(s -> s.status().isLive() && s.status() != SandboxStatus.PENDING_DELETION)
              .toList();
      if (live.isEmpty()) {
        return;
      }
      Sandbox target = live.get(random().nextInt(live.size()));
      // as the admin API does: read, then a transition conditional on the status read
      Sandbox seen =
          faulty.findSandbox(target.sandboxId()).orElseThrow(SandboxNotFoundException::new);
      if (seen.status().isLive() && seen.status() != SandboxStatus.PENDING_DELETION) {
        faulty.forceRelease(
            seen.sandboxId(), new AdminAction(now(), "fault-test", "force_release", seen.status()));
      }
    }

    void retryDeletion() {
      List<Sandbox> failed =
          snapshot.stream().filter(s -> s.status() == SandboxStatus.DELETION_FAILED).toList();
      if (failed.isEmpty()) {
        return;
      }
      Sandbox target = failed.get(random().nextInt(failed.size()));
      faulty.retryDeletion(
          target.sandboxId(),
          new AdminAction(now(), "fault-test", "retry_deletion", SandboxStatus.DELETION_FAILED));
    }

    void runJob(Job job) {
      job.run(
          JobContext.UNSUPERVISED); // no lock: runs of one job may overlap, as after a lost lock
    }

    private void record(Request req, Allocation a) {
      Request before = handedTo.putIfAbsent(a.sandboxId(), req);
      if (before != null && !before.equals(req)) {
        violations.add(a.sandboxId() + " handed to " + req + " and before to " + before);
      }
    }

    private long now() {
      return clock.instant().getEpochSecond();
    }

    // ---- checks (fault-free, on the real store, nothing in flight)

    void check(int step) {
      List<Sandbox> all = real.allSandboxes();
      snapshot = all;
      long now = now();
      Map<String, Integer> live = new TreeMap<>();
      for (Sandbox s : all) {
        if (!s.allocatedTo().isEmpty()) {
          String first = firstOwner.putIfAbsent(s.sandboxId(), s.allocatedTo());
          if (first != null && !first.equals(s.allocatedTo())) {
            violations.add(
                "step "
                    + step
                    + ": "
                    + s.sandboxId()
                    + " owned by "
                    + first
                    + ", now by "
                    + s.allocatedTo());
          }
        }
        Request handed = handedTo.get(s.sandboxId());
        if (handed != null && !handed.identity().equals(s.allocatedTo())) {
          violations.add(
              "step "
                  + step
                  + ": "
                  + s.sandboxId()
                  + " handed to "
                  + handed
                  + " but owned by '"
                  + s.allocatedTo()
                  + "'");
        }
        if (s.status() == SandboxStatus.ALLOCATED && s.expiresAt() > now) {
          live.merge(
              s.tenant() + "/" + s.allocatedTo(),
              1,
              Integer::sum); // the cap is per (tenant, identity)
          checkLeaseClock(step, s);
        }
      }
      live.forEach(
          (identity, n) -> {
            if (n > CAP) {
              violations.add(
                  "step " + step + ": " + identity + " holds " + n + " live sandboxes, cap " + CAP);
            }
          });
      for (int i = 0; i < allocators.size(); i++) {
        int reserved = allocators.get(i).reservedCandidates();
        if (reserved != 0) {
          violations.add(
              "step "
                  + step
                  + ": allocator "
                  + i
                  + " still reserves "
                  + reserved
                  + " candidates with no request running");
        }
      }
    }

    /**
     * Extensions keep the one lease clock: {@code expires_at} of a live allocation only moves
     * later, stays within {@code allocated_at + MAX_LEASE}, and the lease record (what a replay
     * answers from) shows the same value as the sandbox.
     */
    private void checkLeaseClock(int step, Sandbox s) {
      Long before = latestExpiry.put(s.leaseId(), s.expiresAt());
      if (before != null && s.expiresAt() < before) {
        violations.add(
            "step "
                + step
                + ": "
                + s.sandboxId()
                + " expires_at moved earlier: "
                + before
                + " -> "
                + s.expiresAt());
      }
      if (s.expiresAt() > s.allocatedAt() + MAX_LEASE.toSeconds()) {
        violations.add(
            "step " + step + ": " + s.sandboxId() + " extended past allocated_at + " + MAX_LEASE);
      }
      Optional<Lease> lease =
          IntStream.range(0, CAP)
              .mapToObj(slot -> real.findLease(s.tenant(), s.allocatedTo(), slot))
              .flatMap(Optional::stream)
              .filter(l -> l.leaseId().equals(s.leaseId()))
              .findFirst();
      if (lease.isEmpty()) {
        violations.add("step " + step + ": live " + s.sandboxId() + " has no lease naming it");
      } else if (lease.get().expiresAt() != s.expiresAt()) {
        violations.add(
            "step "
                + step
                + ": "
                + s.sandboxId()
                + " expires_at "
                + s.expiresAt()
                + " but its lease says "
                + lease.get().expiresAt());
      }
    }

    /**
     * A fault-free allocation on each instance must succeed while the table shows a sandbox
     * available.
     */
    void probe(int step) throws InterruptedException {
      for (int i = 0; i < allocators.size(); i++) {
        if (real.findAvailable("", Optional.empty(), 1).items().isEmpty()) {
          return;
        }
        Optional<String> failure = probeOnce(i);
        if (failure.isPresent()) {
          // a candidate whose claim just lost is skipped for 5 s by design; never for longer
          Thread.sleep(5_500);
          if (!real.findAvailable("", Optional.empty(), 1).items().isEmpty()) {
            probeOnce(i)
                .ifPresent(
                    f ->
                        violations.add(
                            "step " + step + ": allocator " + f + " while a sandbox is available"));
          }
        }
      }
    }

    private Optional<String> probeOnce(int allocator) {
      String identity = "probe-" + probeIds.incrementAndGet();
      probes.incrementAndGet();
      try {
        Allocation a =
            allocators
                .get(allocator)
                .allocate(new AllocationRequest(identity, identity, "lab", "", Optional.empty()));
        handedTo.put(a.sandboxId(), new Request(identity, identity));
        allocators
            .get(allocator)
            .markForDeletion(a.sandboxId(), Tenant.DEFAULT, identity); // give it back to the churn
        return Optional.empty();
      } catch (NoSandboxAvailableException e) {
        return Optional.of(allocator + " " + e.getMessage());
      } catch (AllocationTimeoutException e) {
        return Optional.empty(); // a slow machine, not an unofferable sandbox
      }
    }

    String summary(long seed, int steps, int operations, long seconds) {
      Map<String, Long> byOp = new TreeMap<>();
      outcomes.forEach((k, v) -> byOp.merge(k.substring(0, k.indexOf(':')), v.get(), Long::sum));
      return String.format(
          "fault-injection: seed=%d steps=%d operations=%d %s faults=%d (before=%d after=%d delay=%d)"
              + " upstream_delete_failures=%d upstream_deletes=%d probes=%d violations=%d in %ds",
          seed,
          steps,
          operations,
          byOp,
          faultCount(),
          faults.get(Fault.BEFORE).get(),
          faults.get(Fault.AFTER).get(),
          faults.get(Fault.DELAY).get(),
          upstreamFailures.get(),
          upstreamDeletes.get(),
          probes.get(),
          violations.size(),
          seconds);
    }

    /**
     * The upstream as the jobs see it: deletes fail now and then (so items reach {@code
     * deletion_failed} for the operators' retry), and every delete is checked at the moment it is
     * made: the sandbox must be on its way out, never one that is or may become someone's.
     */
    final class CheckedUpstream implements SandboxProvider {
      private final SandboxProvider upstream;

      CheckedUpstream(SandboxProvider upstream) {
        this.upstream = upstream;
      }

      @Override
      public List<UpstreamSandbox> listSandboxes() {
        return upstream.listSandboxes();
      }

      @Override
      public void deleteSandbox(Sandbox sandbox) {
        Random random = FAULTS.get();
        boolean fail;
        if (random == null) {
          fail = false;
        } else {
          synchronized (random) {
            fail = random.nextInt(5) == 0;
          }
        }
        if (fail) {
          upstreamFailures.incrementAndGet();
          throw new UpstreamUnavailableException("injected: upstream 503");
        }
        Optional<Sandbox> now = real.findSandbox(sandbox.sandboxId());
        Set<SandboxStatus> releasing =
            Set.of(
                SandboxStatus.PENDING_DELETION,
                SandboxStatus.DELETED,
                SandboxStatus.DELETION_FAILED);
        if (now.isEmpty() || !releasing.contains(now.get().status())) {
          violations.add(
              "upstream delete of "
                  + sandbox.sandboxId()
                  + " while "
                  + now.map(s -> s.status().wireName() + " held by '" + s.allocatedTo() + "'")
                      .orElse("missing"));
        }
        upstreamDeletes.incrementAndGet();
        upstream.deleteSandbox(sandbox);
      }
    }
  }
}
