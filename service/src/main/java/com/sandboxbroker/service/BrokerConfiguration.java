package com.sandboxbroker.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.service.config.AllocationFactory;
import com.sandboxbroker.service.config.AuthFactory;
import com.sandboxbroker.service.config.DemoPoolFactory;
import com.sandboxbroker.service.config.DynamoDbFactory;
import com.sandboxbroker.service.config.EventsFactory;
import com.sandboxbroker.service.config.JobsFactory;
import com.sandboxbroker.service.config.PoolSettings;
import com.sandboxbroker.service.ratelimit.RateLimitFactory;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;

/** The service's configuration ({@code config.yml}); validated at start-up, fails fast. */
public final class BrokerConfiguration extends Configuration {
  /** Track and admin routes live under it; health endpoints stay at the root. */
  @JsonProperty
  @Pattern(regexp = "/[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")
  private String basePath = "/v1";

  @JsonProperty @Valid @NotNull private AuthFactory auth = new AuthFactory();
  @JsonProperty @Valid @NotNull private DynamoDbFactory dynamoDb = new DynamoDbFactory();
  @JsonProperty @Valid @NotNull private AllocationFactory allocation = new AllocationFactory();
  @JsonProperty @Valid @NotNull private DemoPoolFactory demoPool = new DemoPoolFactory();
  @JsonProperty @Valid @NotNull private JobsFactory jobs = new JobsFactory();

  public String basePath() {
    return basePath;
  }

  public AuthFactory auth() {
    return auth;
  }

  public DynamoDbFactory dynamoDb() {
    return dynamoDb;
  }

  public AllocationFactory allocation() {
    return allocation;
  }

  public DemoPoolFactory demoPool() {
    return demoPool;
  }

  // admin API, observability and HTTP hardening

  @JsonProperty @jakarta.validation.Valid @NotNull
  private RateLimitFactory rateLimit = new RateLimitFactory();

  /** Browser origins allowed to call the API; empty (the default) leaves CORS off. */
  @JsonProperty @NotNull private List<String> corsAllowedOrigins = new ArrayList<>();

  /** Largest request body accepted: POSTs take none, a stray {@code {}} is fine. */
  @JsonProperty
  @jakarta.validation.constraints.Min(0)
  private long maxRequestBodyBytes = 1024;

  /** How often the pool gauges re-count the table (never per scrape). */
  @JsonProperty
  @jakarta.validation.constraints.Min(1)
  private int poolGaugeRefreshSeconds = 30;

  public RateLimitFactory rateLimit() {
    return rateLimit;
  }

  public List<String> corsAllowedOrigins() {
    return corsAllowedOrigins;
  }

  public long maxRequestBodyBytes() {
    return maxRequestBodyBytes;
  }

  public int poolGaugeRefreshSeconds() {
    return poolGaugeRefreshSeconds;
  }

  public JobsFactory jobs() {
    return jobs;
  }

  // pools: per-pool counts, low-water marks and their refresh

  /**
   * Configured pools; a sandbox no prefix matches is pooled by its name without trailing digits.
   */
  @JsonProperty @Valid @NotNull private List<PoolSettings> pools = new ArrayList<>();

  /** How often the pool refresher re-reads every status partition for items without a pool. */
  @JsonProperty
  @jakarta.validation.constraints.Min(1)
  private int poolBackfillIntervalMinutes = 360;

  public PoolAssignment poolAssignment() {
    return new PoolAssignment(pools.stream().map(PoolSettings::toDefinition).toList());
  }

  public int poolBackfillIntervalMinutes() {
    return poolBackfillIntervalMinutes;
  }

  /**
   * The demo provider's sync would import the demo pool into a real table, and its cleanup would
   * record real accounts {@code deleted} without deleting them upstream (they would leak): it runs
   * only on a table that cannot be a production one.
   */
  @io.dropwizard.validation.ValidationMethod(
      message =
          "jobs.inProcessProvider=demo (the demo pool's sync and cleanup) must not run on"
              + " dynamoDb.mode=aws (a real table): set BROKER_JOBS_PROVIDER=none, or use"
              + " BROKER_STORE=local")
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isDemoProviderOnAThrowawayStore() {
    return jobs.inProcessProvider() != JobsFactory.Provider.DEMO || dynamoDb.isThrowaway();
  }

  /**
   * Deployed on AWS: how often the CloudWatch metrics behind the alarms are written to stdout in
   * embedded metric format (0 = never). Every 60 s matches the alarms' period.
   */
  @JsonProperty
  @jakarta.validation.constraints.Min(0)
  private int emfMetricsIntervalSeconds = 60;

  public int emfMetricsIntervalSeconds() {
    return emfMetricsIntervalSeconds;
  }

  /**
   * The {@code Stage} dimension of every CloudWatch metric the service publishes (BROKER_STAGE), so
   * two stages sharing an account never mix in one alarm.
   */
  @JsonProperty @jakarta.validation.constraints.NotEmpty private String metricsStage = "local";

  public String metricsStage() {
    return metricsStage;
  }

  /** Lifecycle events: the local feed of the table stream, where there is no Pipe. */
  @JsonProperty @Valid @NotNull private EventsFactory events = new EventsFactory();

  public EventsFactory events() {
    return events;
  }
}
