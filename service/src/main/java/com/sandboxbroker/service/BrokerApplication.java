package com.sandboxbroker.service;

import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.core.store.dynamodb.DynamoDbSandboxStore;
import com.sandboxbroker.core.sync.PoolSync;
import com.sandboxbroker.service.auth.BearerAuthFilter;
import com.sandboxbroker.service.auth.TokenRegistry;
import com.sandboxbroker.service.config.AuthFactory.GeneratedTokens;
import com.sandboxbroker.service.config.DynamoDbFactory;
import com.sandboxbroker.service.errors.DomainExceptionMappers;
import com.sandboxbroker.service.errors.UnexpectedExceptionMapper;
import com.sandboxbroker.service.errors.WebApplicationExceptionMapper;
import com.sandboxbroker.service.http.HealthServlets;
import com.sandboxbroker.service.http.JsonErrorHandler;
import com.sandboxbroker.service.http.RequestIdFilter;
import com.sandboxbroker.service.http.SecurityHeadersFilter;
import com.sandboxbroker.service.metrics.AllocationMetrics;
import com.sandboxbroker.service.metrics.DynamoDbRequestMetrics;
import com.sandboxbroker.service.resources.AllocationResource;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    var dynamoDbMetrics = new DynamoDbRequestMetrics(environment.metrics());
    SandboxStore store =
        new DynamoDbSandboxStore(
            config.dynamoDb().build(environment.lifecycle(), dynamoDbMetrics), config.dynamoDb().tableName());
    if (config.dynamoDb().createTable()) {
      store.createTableIfMissing();
    }
    if (localMode && config.demoPool().importWhenEmpty() && store.allSandboxes().isEmpty()) {
      var result = new PoolSync(store, config.demoPool().build(), clock).run();
      LOG.info("Imported the demo pool: {} sandboxes", result.inserted());
    }

    List<GeneratedTokens> generated = new ArrayList<>();
    TokenRegistry tokens = config.auth().build(environmentVariables, localMode, generated);
    generated.forEach(t -> printLocalTokens(t, basePath));

    Allocator allocator =
        new Allocator(
            store,
            config.allocation().build(),
            clock,
            () -> UUID.randomUUID().toString(),
            new AllocationMetrics(environment.metrics()));

    var jersey = environment.jersey();
    jersey.register(new BearerAuthFilter(tokens, Set.of("docs", "openapi.json", "swagger-ui")));
    jersey.register(RolesAllowedDynamicFeature.class);
    DomainExceptionMappers.all().forEach(jersey::register);
    jersey.register(new WebApplicationExceptionMapper());
    jersey.register(new UnexpectedExceptionMapper());
    jersey.register(new AllocationResource(allocator));

    var servlets = environment.servlets();
    servlets
        .addFilter("request-id", new RequestIdFilter())
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
    servlets
        .addFilter("security-headers", new SecurityHeadersFilter(basePath))
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
    environment.getApplicationContext().setErrorHandler(new JsonErrorHandler());
    environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(new JsonErrorHandler.ServerLevel()));
    var json = environment.getObjectMapper();
    servlets.addServlet("healthz", new HealthServlets.Liveness(json, clock)).addMapping("/healthz");
    servlets.addServlet("readyz", new HealthServlets.Readiness(json, store, clock)).addMapping("/readyz");
    servlets.addServlet("not-found", new HealthServlets.NotFound(json)).addMapping("/");
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
