package com.sandboxbroker.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.service.config.AllocationFactory;
import com.sandboxbroker.service.config.AuthFactory;
import com.sandboxbroker.service.config.DemoPoolFactory;
import com.sandboxbroker.service.config.DynamoDbFactory;
import com.sandboxbroker.service.config.JobsFactory;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

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

  // ---- admin API, observability and HTTP hardening (issue 3) ----

  @JsonProperty @jakarta.validation.Valid @NotNull
  private com.sandboxbroker.service.ratelimit.RateLimitFactory rateLimit =
      new com.sandboxbroker.service.ratelimit.RateLimitFactory();

  /** Browser origins allowed to call the API; empty (the default) leaves CORS off. */
  @JsonProperty @NotNull private java.util.List<String> corsAllowedOrigins = new java.util.ArrayList<>();

  /** Largest request body accepted: POSTs take none, a stray {@code {}} is fine. */
  @JsonProperty @jakarta.validation.constraints.Min(0) private long maxRequestBodyBytes = 1024;

  /** How often the pool gauges re-count the table (never per scrape). */
  @JsonProperty @jakarta.validation.constraints.Min(1) private int poolGaugeRefreshSeconds = 30;

  public com.sandboxbroker.service.ratelimit.RateLimitFactory rateLimit() {
    return rateLimit;
  }

  public java.util.List<String> corsAllowedOrigins() {
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

  /**
   * Deployed on AWS: how often the CloudWatch metrics behind the alarms are written to stdout in
   * embedded metric format (0 = never). Every 60 s matches the alarms' period.
   */
  @JsonProperty @jakarta.validation.constraints.Min(0) private int emfMetricsIntervalSeconds = 60;

  public int emfMetricsIntervalSeconds() {
    return emfMetricsIntervalSeconds;
  }

  /** Lifecycle events: the local feed (issue 14). */
  @JsonProperty @Valid @NotNull
  private com.sandboxbroker.service.config.EventsFactory events = new com.sandboxbroker.service.config.EventsFactory();

  public com.sandboxbroker.service.config.EventsFactory events() {
    return events;
  }
}
