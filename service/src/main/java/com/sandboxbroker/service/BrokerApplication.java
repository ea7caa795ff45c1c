package com.sandboxbroker.service;

import com.github.benmanes.caffeine.cache.Ticker;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.allocation.LeaseExtender;
import com.sandboxbroker.core.cleanup.Cleanup;
import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.expiry.Expiry;
import com.sandboxbroker.core.expiry.ExpiryPolicy;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobLauncher;
import com.sandboxbroker.core.job.JobStore;
import com.sandboxbroker.core.provider.StaticInventoryProvider;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbTokenStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.core.sync.SyncPolicy;
import com.sandboxbroker.core.token.TokenStore;
import com.sandboxbroker.service.api.IssueTokenRequest;
import com.sandboxbroker.service.auth.BearerAuthFilter;
import com.sandboxbroker.service.auth.RunTimeTokens;
import com.sandboxbroker.service.auth.TokenRegistry;
import com.sandboxbroker.service.config.AuthFactory.GeneratedTokens;
import com.sandboxbroker.service.config.DynamoDbFactory;
import com.sandboxbroker.service.config.JobsFactory;
import com.sandboxbroker.service.docs.ApiDocsResource;
import com.sandboxbroker.service.docs.OpenApiDocument;
import com.sandboxbroker.service.errors.DomainExceptionMappers;
import com.sandboxbroker.service.errors.SdkExceptionMapper;
import com.sandboxbroker.service.errors.UnexpectedExceptionMapper;
import com.sandboxbroker.service.errors.WebApplicationExceptionMapper;
import com.sandboxbroker.service.events.LocalEventFeed;
import com.sandboxbroker.service.health.DynamoDbHealthCheck;
import com.sandboxbroker.service.http.CorsFilter;
import com.sandboxbroker.service.http.EntityAnnotationsInterceptor;
import com.sandboxbroker.service.http.ErrorBodyFilter;
import com.sandboxbroker.service.http.HealthServlets;
import com.sandboxbroker.service.http.JsonErrorHandler;
import com.sandboxbroker.service.http.RequestBodyLimitFilter;
import com.sandboxbroker.service.http.RequestIdFilter;
import com.sandboxbroker.service.http.SecurityHeadersFilter;
import com.sandboxbroker.service.jobs.InProcessJobScheduler;
import com.sandboxbroker.service.jobs.StepFunctionsJobStarter;
import com.sandboxbroker.service.metrics.BrokerMetrics;
import com.sandboxbroker.service.metrics.DynamoDbRequestMetrics;
import com.sandboxbroker.service.metrics.EmfMetricsReporter;
import com.sandboxbroker.service.metrics.JobMetrics;
import com.sandboxbroker.service.metrics.PoolCounts;
import com.sandboxbroker.service.observability.ApiEventFilter;
import com.sandboxbroker.service.ratelimit.RateLimitFilter;
import com.sandboxbroker.service.resources.AdminResource;
import com.sandboxbroker.service.resources.AllocationResource;
import com.sandboxbroker.service.resources.DashboardResource;
import com.sandboxbroker.service.resources.EventFeedResource;
import com.sandboxbroker.service.resources.JobResource;
import com.sandboxbroker.service.resources.LeaseExtensionResource;
import com.sandboxbroker.service.resources.PoolResource;
import com.sandboxbroker.service.resources.TokenResource;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  @Override
  public void initialize(Bootstrap<BrokerConfiguration> bootstrap) {
    // config.yml reads ${VAR:-default} from the environment (ServiceEnvironment lists them)
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
  }

  @Override
  public void run(BrokerConfiguration config, Environment environment) {
    String basePath = config.basePath();
    ((DefaultServerFactory) config.getServerFactory()).setJerseyRootPath(basePath + "/*");
    boolean localMode = config.dynamoDb().mode() == DynamoDbFactory.Mode.LOCAL;

    // every DynamoDB request counted per operation (dynamodb.requests.*), for cost per allocation
    // every call bounded from the claim budget, so no claim outlives the takeover age
    DynamoDbClient dynamo =
        config
            .dynamoDb()
            .build(
                environment.lifecycle(),
                new DynamoDbRequestMetrics(environment.metrics()),
                config.allocation().build());
    com.sandboxbroker.core.pool.PoolAssignment poolAssignment = config.poolAssignment();
    SandboxStore store =
        new DynamoDbSandboxStore(dynamo, config.dynamoDb().tableName(), poolAssignment);
    com.sandboxbroker.core.pool.PoolStore poolStore =
        new com.sandboxbroker.core.store.dynamodb.DynamoDbPoolStore(
            dynamo, config.dynamoDb().tableName(), poolAssignment);
    if (config.dynamoDb().createTable()) {
      new SandboxTable(dynamo, config.dynamoDb().tableName()).createIfMissing();
    }
    // one demo upstream for the import and the in-process jobs: deletions recycle into it
    StaticInventoryProvider demoPool = config.demoPool().build();
    if (localMode && config.demoPool().importWhenEmpty() && store.allSandboxes().isEmpty()) {
      var result = new PoolSync(store, demoPool, clock).run();
      LOG.info("Imported the demo pool: {} sandboxes", result.inserted());
    }

    List<GeneratedTokens> generated = new ArrayList<>();
    // configured tokens first, then run-time ones (contract §6) read from the table by hash
    TokenStore tokenStore = new DynamoDbTokenStore(dynamo, config.dynamoDb().tableName());
    TokenRegistry tokens =
        config
            .auth()
            .build(environmentVariables, localMode, generated)
            .withRunTimeTokens(
                new RunTimeTokens(
                    tokenStore, clock, config.auth().tokenCacheTtl(), Ticker.systemTicker()));
    generated.forEach(t -> printLocalTokens(t, basePath));

    // metrics first: the allocator reports lost claims to them
    BrokerMetrics metrics = new BrokerMetrics(environment.metrics());
    // one refresher for the whole service: the holder of the pool-counts job lock counts
    Duration poolRefresh = Duration.ofSeconds(config.poolGaugeRefreshSeconds());
    PoolCounts poolCounts =
        new PoolCounts(
            new com.sandboxbroker.core.pool.PoolCountRefresher(
                poolStore,
                new DynamoDbJobStore(dynamo, config.dynamoDb().tableName()),
                clock,
                "service-" + UUID.randomUUID(),
                poolRefresh,
                Duration.ofMinutes(config.poolBackfillIntervalMinutes())),
            poolRefresh,
            environment.metrics());
    environment.lifecycle().manage(poolCounts);
    if (!localMode && config.emfMetricsIntervalSeconds() > 0) {
      // deployed: stdout goes to CloudWatch Logs, which turns these lines into the alarms' metrics
      EmfMetricsReporter emf =
          new EmfMetricsReporter(
              // the Stage dimension (BROKER_STAGE through config.yml); the per-pool lines come from
              // the same refresher the Prometheus gauges read
              config.metricsStage(),
              poolCounts,
              Duration.ofSeconds(config.emfMetricsIntervalSeconds()),
              clock,
              System.out);
      metrics.exportLatencyTo(emf);
      environment.lifecycle().manage(emf);
    }
    metrics.exportPoolTotal(poolCounts);

    Allocator allocator =
        new Allocator(
            store, config.allocation().build(), clock, () -> UUID.randomUUID().toString(), metrics);

    var jersey = environment.jersey();
    // The dashboard page and its assets hold no data and need no token: the page asks the operator
    // for an admin token and every API call it makes is authorized like any other.
    jersey.register(
        new BearerAuthFilter(
            tokens, Set.of("docs", "openapi.json", "swagger-ui", "admin/dashboard")));
    // the body limit runs right after authentication: a stranger gets 401 and its body is never
    // read
    jersey.register(
        new RequestBodyLimitFilter(
            config.maxRequestBodyBytes(),
            Map.of("admin/tokens", IssueTokenRequest.MAX_BODY_BYTES)));
    jersey.register(RolesAllowedDynamicFeature.class);
    DomainExceptionMappers.all().forEach(jersey::register);
    jersey.register(new WebApplicationExceptionMapper());
    jersey.register(new SdkExceptionMapper());
    jersey.register(new UnexpectedExceptionMapper());
    jersey.register(new AllocationResource(allocator));
    jersey.register(
        new LeaseExtensionResource(
            new LeaseExtender(allocator, store, clock),
            config.allocation().build(),
            config.allocation().maxLease()));
    jersey.register(new ApiEventFilter(metrics));
    jersey.register(new EntityAnnotationsInterceptor());
    jersey.register(new AdminResource(store, clock, metrics));
    jersey.register(new TokenResource(tokenStore, clock));
    jersey.register(new PoolResource(poolStore));
    if (config.rateLimit().enabled()) {
      jersey.register(new RateLimitFilter(config.rateLimit().build()));
    }
    jersey.register(
        new ApiDocsResource(
            basePath,
            OpenApiDocument.json(
                basePath,
                Set.of(
                    AllocationResource.class,
                    AdminResource.class,
                    JobResource.class,
                    TokenResource.class,
                    PoolResource.class,
                    LeaseExtensionResource.class,
                    EventFeedResource.class))));
    jersey.register(new DashboardResource());
    jersey.register(new EventFeedResource(localEventFeed(config, localMode, dynamo, environment)));

    JobsFactory jobsConfig = config.jobs();
    JobStore jobStore = new DynamoDbJobStore(dynamo, config.dynamoDb().tableName());
    ScheduledExecutorService jobThreads = InProcessJobScheduler.defaultExecutor();
    JobLauncher launcher =
        new JobLauncher(
            jobStore,
            clock,
            () -> UUID.randomUUID().toString(),
            jobsConfig.lockTtl(),
            jobsConfig.runRetention(),
            jobThreads,
            new JobMetrics(environment.metrics()));
    Map<JobName, Job> inProcessJobs = new EnumMap<>(JobName.class);
    // migrated allocations without expires_at expire on their lab's lease, as allocate would set it
    var leasePolicy = config.allocation().build();
    inProcessJobs.put(
        JobName.EXPIRY,
        new Expiry(
            store,
            clock,
            ExpiryPolicy.defaults(),
            lab -> leasePolicy.leaseFor(lab, Optional.empty())));
    if (jobsConfig.inProcessProvider() == JobsFactory.Provider.DEMO) {
      CleanupPolicy defaults = CleanupPolicy.defaults();
      inProcessJobs.put(JobName.SYNC, new PoolSync(store, demoPool, clock, SyncPolicy.defaults()));
      inProcessJobs.put(
          JobName.CLEANUP,
          new Cleanup(
              store,
              demoPool,
              Optional.empty(),
              clock,
              new CleanupPolicy(
                  defaults.parallelism(),
                  defaults.maxAttempts(),
                  jobsConfig.cleanupBackoffBase(),
                  defaults.backoffMax(),
                  defaults.maxItems(),
                  defaults.deletedRetention(),
                  defaults.breakerMinimumCalls())));
    }
    Optional<StepFunctionsJobStarter> stepFunctions =
        jobsConfig
            .buildStepFunctions()
            .map(
                sfn -> {
                  environment
                      .lifecycle()
                      .manage(
                          new Managed() {
                            @Override
                            public void stop() {
                              sfn.close();
                            }
                          });
                  return new StepFunctionsJobStarter(sfn, jobsConfig.stateMachines());
                });
    environment
        .lifecycle()
        .manage(
            new InProcessJobScheduler(launcher, inProcessJobs, jobsConfig.schedule(), jobThreads));
    jersey.register(new JobResource(launcher, inProcessJobs, jobStore, stepFunctions, clock));

    var servlets = environment.servlets();
    servlets
        .addFilter("request-id", new RequestIdFilter())
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
    servlets
        .addFilter("security-headers", new SecurityHeadersFilter(basePath))
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
    servlets
        .addFilter("error-body", new ErrorBodyFilter(environment.getObjectMapper()))
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
    if (!config.corsAllowedOrigins().isEmpty()) {
      servlets
          .addFilter("cors", new CorsFilter(Set.copyOf(config.corsAllowedOrigins())))
          .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }
    environment.healthChecks().register("dynamodb", new DynamoDbHealthCheck(store));
    // Prometheus text on the admin connector only (never through the load balancer); it takes
    // over /metrics, the path scrapers use by default
    environment
        .admin()
        .addServlet(
            "prometheus", new PrometheusMetricsServlet(prometheusWithPools(metrics, poolCounts)))
        .addMapping("/metrics");
    environment.getApplicationContext().setErrorHandler(new JsonErrorHandler());
    environment
        .lifecycle()
        .addServerLifecycleListener(
            server -> server.setErrorHandler(new JsonErrorHandler.ServerLevel()));
    var json = environment.getObjectMapper();
    servlets.addServlet("healthz", new HealthServlets.Liveness(json, clock)).addMapping("/healthz");
    servlets
        .addServlet("readyz", new HealthServlets.Readiness(json, store, clock))
        .addMapping("/readyz");
    servlets.addServlet("not-found", new HealthServlets.NotFound(json)).addMapping("/");
  }

  /**
   * The broker's Prometheus registry plus the per-pool gauges ({@code broker_pool_<status>{pool}}).
   */
  private static io.prometheus.metrics.model.registry.PrometheusRegistry prometheusWithPools(
      BrokerMetrics metrics, PoolCounts poolCounts) {
    var registry = metrics.prometheusRegistry();
    registry.register(poolCounts);
    return registry;
  }

  /** Local mode: lifecycle events read from the table's stream (deployed, a Pipe does it). */
  private static Optional<LocalEventFeed> localEventFeed(
      BrokerConfiguration config,
      boolean localMode,
      DynamoDbClient dynamo,
      Environment environment) {
    if (!config.events().localFeed(localMode)) {
      return Optional.empty();
    }
    LocalEventFeed feed =
        new LocalEventFeed(
            dynamo,
            config.dynamoDb().buildStreams(environment.lifecycle()),
            config.dynamoDb().tableName(),
            config.events().maxEvents(),
            config.events().pollMillis());
    environment.lifecycle().manage(feed);
    return Optional.of(feed);
  }

  /** Local mode only: the generated tokens go to the console once, never through the logger. */
  private static void printLocalTokens(GeneratedTokens t, String basePath) {
    System.out.printf(
        "%n=== Sandbox Broker local mode: generated tokens (set BROKER_API_TOKEN / BROKER_ADMIN_TOKEN to choose your own) ===%n"
            + "track token: %s%nadmin token: %s%n"
            + "try: curl -X POST -H \"Authorization: Bearer %s\" -H \"X-Instruqt-Sandbox-ID: s1\" http://localhost:8080%s/allocate%n%n",
        t.track(), t.admin(), t.track(), basePath);
  }
}
