package com.sandboxbroker.service;

import com.github.benmanes.caffeine.cache.Ticker;
import com.sandboxbroker.core.admin.DeletionRetry;
import com.sandboxbroker.core.admin.ForcedRelease;
import com.sandboxbroker.core.admin.StalePurge;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.allocation.LeaseExtender;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobLauncher;
import com.sandboxbroker.core.job.JobStore;
import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.pool.PoolCountRefresher;
import com.sandboxbroker.core.pool.PoolStore;
import com.sandboxbroker.core.provider.StaticInventoryProvider;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbPoolStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbTokenStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.core.token.TokenStore;
import com.sandboxbroker.service.auth.BearerAuthFilter;
import com.sandboxbroker.service.auth.RunTimeTokens;
import com.sandboxbroker.service.auth.TokenRegistry;
import com.sandboxbroker.service.config.AuthFactory.GeneratedTokens;
import com.sandboxbroker.service.config.DynamoDbFactory;
import com.sandboxbroker.service.config.JobsFactory;
import com.sandboxbroker.service.docs.ApiDocsResource;
import com.sandboxbroker.service.docs.OpenApiDocument;
import com.sandboxbroker.service.errors.ExceptionResponses;
import com.sandboxbroker.service.health.DynamoDbHealthCheck;
import com.sandboxbroker.service.http.EntityAnnotationsInterceptor;
import com.sandboxbroker.service.http.HealthServlets;
import com.sandboxbroker.service.http.HttpHardening;
import com.sandboxbroker.service.jobs.InProcessJobScheduler;
import com.sandboxbroker.service.metrics.BrokerMetrics;
import com.sandboxbroker.service.metrics.DynamoDbRequestMetrics;
import com.sandboxbroker.service.metrics.EmfMetricsReporter;
import com.sandboxbroker.service.metrics.JobMetrics;
import com.sandboxbroker.service.metrics.LockFreeMetricRegistry;
import com.sandboxbroker.service.metrics.PoolCounts;
import com.sandboxbroker.service.observability.ApiEventFilter;
import com.sandboxbroker.service.observability.ApiEvents;
import com.sandboxbroker.service.ratelimit.RateLimitFilter;
import com.sandboxbroker.service.ratelimit.RateLimiter;
import com.sandboxbroker.service.resources.AdminResource;
import com.sandboxbroker.service.resources.AllocateServletFilter;
import com.sandboxbroker.service.resources.AllocationResource;
import com.sandboxbroker.service.resources.DashboardResource;
import com.sandboxbroker.service.resources.EventFeedResource;
import com.sandboxbroker.service.resources.JobResource;
import com.sandboxbroker.service.resources.LeaseExtensionResource;
import com.sandboxbroker.service.resources.PoolResource;
import com.sandboxbroker.service.resources.TokenResource;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.UndefinedEnvironmentVariableException;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The broker service; {@link #run} is its only composition root. */
public class BrokerApplication extends Application<BrokerConfiguration> {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerApplication.class);

  private final Map<String, String> environmentVariables;
  private final Clock clock;

  public BrokerApplication() {
    this(System.getenv(), Clock.systemUTC());
  }

  public BrokerApplication(Map<String, String> environmentVariables, Clock clock) {
    this.environmentVariables = Map.copyOf(environmentVariables);
    this.clock = clock;
  }

  public static void main(String[] args) throws Exception {
    new BrokerApplication().run(args);
  }

  @Override
  public String getName() {
    return "sandbox-broker";
  }

  /**
   * config.yml reads {@code ${VAR:-default}} from the environment (ServiceEnvironment lists the
   * variables). Strict: a {@code ${VAR}} without a default whose variable is unset stops the start
   * with a message naming it, instead of starting on the literal text.
   */
  @Override
  public void initialize(Bootstrap<BrokerConfiguration> bootstrap) {
    // before Dropwizard registers anything: Jetty's request timers then get lock-free reservoirs
    bootstrap.setMetricRegistry(new LockFreeMetricRegistry());
    ConfigurationSourceProvider substituting =
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(true));
    bootstrap.setConfigurationSourceProvider(
        path -> {
          try {
            return substituting.open(path);
          } catch (UndefinedEnvironmentVariableException e) {
            throw new IllegalStateException(
                path
                    + ": "
                    + e.getMessage()
                    + " The variable is not set and the file gives it no default: set it, or"
                    + " write ${VARIABLE:-default} in the file.",
                e);
          }
        });
  }

  /** The service's parts in the order they depend on each other. */
  @Override
  public void run(BrokerConfiguration config, Environment environment) {
    String basePath = config.basePath();
    ((DefaultServerFactory) config.getServerFactory()).setJerseyRootPath(basePath + "/*");
    boolean localMode = config.dynamoDb().mode() == DynamoDbFactory.Mode.LOCAL;
    // every DynamoDB request counted per operation (dynamodb.requests.*), for cost per allocation;
    // every call bounded from the claim budget, so no claim outlives the takeover age
    DynamoDbClient dynamo =
        config
            .dynamoDb()
            .build(
                environment.lifecycle(),
                new DynamoDbRequestMetrics(environment.metrics()),
                config.allocation().build());
    Stores stores = Stores.open(dynamo, config);
    // one demo upstream for the import and the in-process jobs: deletions recycle into it
    StaticInventoryProvider demoPool = importDemoPool(config, localMode, stores.sandboxes());
    TokenRegistry tokens = tokens(config, localMode, stores.tokens());
    // metrics first: the allocator reports lost claims to them
    BrokerMetrics metrics = new BrokerMetrics(environment.metrics());
    PoolCounts poolCounts = poolCounts(config, localMode, stores, metrics, environment);
    Allocator allocator =
        new Allocator(
            stores.sandboxes(),
            config.allocation().build(),
            clock,
            () -> UUID.randomUUID().toString(),
            metrics);

    ExceptionResponses exceptions =
        HttpHardening.register(
            environment, basePath, config.maxRequestBodyBytes(), config.corsAllowedOrigins());
    RateLimiter limiter = registerAccessControl(environment.jersey(), config, tokens);
    ApiEvents events = new ApiEvents(metrics);
    AllocationResource allocations =
        registerApi(environment, config, stores, allocator, events, metrics, dynamo, localMode);
    // the common allocate request is answered before Jersey (AllocateServletFilter says why)
    new AllocateServletFilter(
            tokens,
            limiter,
            allocations,
            exceptions,
            events,
            environment.getObjectMapper(),
            environment.metrics().counter(AllocateServletFilter.SERVED))
        .mountAt(environment, basePath);
    registerJobs(environment, config, stores, demoPool);
    registerOperations(environment, stores.sandboxes(), metrics, poolCounts);
  }

  /** The table's stores, over one client; the table is created first where configured. */
  private record Stores(SandboxStore sandboxes, PoolStore pools, TokenStore tokens, JobStore jobs) {
    static Stores open(DynamoDbClient dynamo, BrokerConfiguration config) {
      String table = config.dynamoDb().tableName();
      PoolAssignment poolAssignment = config.poolAssignment();
      Stores stores =
          new Stores(
              new DynamoDbSandboxStore(dynamo, table, poolAssignment),
              new DynamoDbPoolStore(dynamo, table, poolAssignment),
              new DynamoDbTokenStore(dynamo, table),
              new DynamoDbJobStore(dynamo, table));
      if (config.dynamoDb().createTable()) {
        new SandboxTable(dynamo, table).createIfMissing();
      }
      return stores;
    }
  }

  /** Local mode, empty table: the demo pool is imported so the service has sandboxes to hand. */
  private StaticInventoryProvider importDemoPool(
      BrokerConfiguration config, boolean localMode, SandboxStore store) {
    StaticInventoryProvider demoPool = config.demoPool().build();
    if (localMode && config.demoPool().importWhenEmpty() && store.allSandboxes().isEmpty()) {
      var result = new PoolSync(store, demoPool, clock).run();
      LOG.info("Imported the demo pool: {} sandboxes", result.inserted());
    }
    return demoPool;
  }

  /** Configured tokens first, then run-time ones (contract §6) read from the table by hash. */
  private TokenRegistry tokens(BrokerConfiguration config, boolean localMode, TokenStore store) {
    List<GeneratedTokens> generated = new ArrayList<>();
    TokenRegistry tokens =
        config
            .auth()
            .build(environmentVariables, localMode, generated)
            .withRunTimeTokens(
                new RunTimeTokens(
                    store, clock, config.auth().tokenCacheTtl(), Ticker.systemTicker()));
    generated.forEach(t -> printLocalTokens(t, config.basePath()));
    return tokens;
  }

  /**
   * The per-pool counts, refreshed by one service task at a time (the holder of the pool-counts job
   * lock); deployed, they and the allocation latency also go to CloudWatch as EMF lines.
   */
  private PoolCounts poolCounts(
      BrokerConfiguration config,
      boolean localMode,
      Stores stores,
      BrokerMetrics metrics,
      Environment environment) {
    Duration refresh = Duration.ofSeconds(config.poolGaugeRefreshSeconds());
    PoolCounts poolCounts =
        new PoolCounts(
            new PoolCountRefresher(
                stores.pools(),
                stores.jobs(),
                clock,
                "service-" + UUID.randomUUID(),
                refresh,
                Duration.ofMinutes(config.poolBackfillIntervalMinutes())),
            refresh,
            environment.metrics());
    environment.lifecycle().manage(poolCounts);
    if (!localMode && config.emfMetricsIntervalSeconds() > 0) {
      // stdout goes to CloudWatch Logs, which turns these lines into the alarms' metrics; the
      // Stage dimension is BROKER_STAGE through config.yml
      EmfMetricsReporter emf =
          new EmfMetricsReporter(
              config.metricsStage(),
              poolCounts,
              Duration.ofSeconds(config.emfMetricsIntervalSeconds()),
              clock,
              System.out);
      metrics.exportLatencyTo(emf);
      environment.lifecycle().manage(emf);
    }
    metrics.exportPoolTotal(poolCounts);
    return poolCounts;
  }

  /**
   * Bearer tokens, the role check and the rate limit (its limiter returned, null when off). The
   * dashboard page and its assets hold no data and need no token: the page asks the operator for an
   * admin token and every API call it makes is authorized like any other.
   */
  private static RateLimiter registerAccessControl(
      JerseyEnvironment jersey, BrokerConfiguration config, TokenRegistry tokens) {
    jersey.register(
        new BearerAuthFilter(
            tokens, Set.of("docs", "openapi.json", "swagger-ui", "admin/dashboard")));
    jersey.register(RolesAllowedDynamicFeature.class);
    if (!config.rateLimit().enabled()) {
      return null;
    }
    RateLimiter limiter = config.rateLimit().build();
    jersey.register(new RateLimitFilter(limiter));
    return limiter;
  }

  /** The API's resources, its event log and its OpenAPI document; returns the allocation one. */
  private AllocationResource registerApi(
      Environment environment,
      BrokerConfiguration config,
      Stores stores,
      Allocator allocator,
      ApiEvents events,
      BrokerMetrics metrics,
      DynamoDbClient dynamo,
      boolean localMode) {
    var jersey = environment.jersey();
    jersey.register(new ApiEventFilter(events));
    jersey.register(new EntityAnnotationsInterceptor());
    AllocationResource allocations = new AllocationResource(allocator);
    jersey.register(allocations);
    jersey.register(
        new LeaseExtensionResource(
            new LeaseExtender(allocator, stores.sandboxes(), clock),
            config.allocation().build(),
            config.allocation().maxLease()));
    SandboxStore store = stores.sandboxes();
    jersey.register(
        new AdminResource(
            store,
            new ForcedRelease(store, clock),
            new DeletionRetry(store, clock),
            new StalePurge(store, clock),
            metrics));
    jersey.register(new TokenResource(stores.tokens(), clock));
    jersey.register(new PoolResource(stores.pools()));
    jersey.register(new DashboardResource());
    jersey.register(
        new EventFeedResource(
            config
                .events()
                .buildLocalFeed(localMode, dynamo, config.dynamoDb(), environment.lifecycle())));
    jersey.register(
        new ApiDocsResource(
            config.basePath(),
            OpenApiDocument.json(
                config.basePath(),
                Set.of(
                    AllocationResource.class,
                    AdminResource.class,
                    JobResource.class,
                    TokenResource.class,
                    PoolResource.class,
                    LeaseExtensionResource.class,
                    EventFeedResource.class))));
    return allocations;
  }

  /** In-process jobs on their schedules, and the admin job endpoints (design §8). */
  private void registerJobs(
      Environment environment,
      BrokerConfiguration config,
      Stores stores,
      StaticInventoryProvider demoPool) {
    JobsFactory jobs = config.jobs();
    ScheduledExecutorService jobThreads = InProcessJobScheduler.defaultExecutor();
    JobLauncher launcher =
        jobs.buildLauncher(stores.jobs(), clock, new JobMetrics(environment.metrics()), jobThreads);
    Map<JobName, Job> inProcessJobs =
        jobs.buildInProcessJobs(stores.sandboxes(), demoPool, clock, config.allocation().build());
    environment
        .lifecycle()
        .manage(new InProcessJobScheduler(launcher, inProcessJobs, jobs.schedule(), jobThreads));
    environment
        .jersey()
        .register(
            new JobResource(
                launcher,
                inProcessJobs,
                stores.jobs(),
                jobs.buildStepFunctions(environment.lifecycle()),
                clock));
  }

  /**
   * Health at the root, outside Jersey (no token, no rate limit); Prometheus text on the admin
   * connector only (never through the load balancer), at /metrics, the path scrapers use by
   * default.
   */
  private void registerOperations(
      Environment environment, SandboxStore store, BrokerMetrics metrics, PoolCounts poolCounts) {
    environment.healthChecks().register("dynamodb", new DynamoDbHealthCheck(store));
    PrometheusRegistry registry = metrics.prometheusRegistry();
    registry.register(poolCounts);
    environment
        .admin()
        .addServlet("prometheus", new PrometheusMetricsServlet(registry))
        .addMapping("/metrics");
    var json = environment.getObjectMapper();
    var servlets = environment.servlets();
    servlets.addServlet("healthz", new HealthServlets.Liveness(json, clock)).addMapping("/healthz");
    servlets
        .addServlet("readyz", new HealthServlets.Readiness(json, store, clock))
        .addMapping("/readyz");
  }

  /** Local mode only: the generated tokens go to the console once, never through the logger. */
  private static void printLocalTokens(GeneratedTokens t, String basePath) {
    System.out.printf(
        "%n=== Sandbox Broker local mode: generated tokens (set BROKER_API_TOKEN /"
            + " BROKER_ADMIN_TOKEN to choose your own) ===%n"
            + "track token: %s%nadmin token: %s%n"
            + "try: curl -X POST -H \"Authorization: Bearer %s\" -H \"X-Instruqt-Sandbox-ID: s1\""
            + " http://localhost:8080%s/allocate%n%n",
        t.track(), t.admin(), t.track(), basePath);
  }
}
