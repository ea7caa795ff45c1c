package com.sandboxbroker.jobs;

import static com.sandboxbroker.core.contract.JobsEnvironment.*;

import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.cleanup.CleanupPolicy;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.contract.JobsEnvironment;
import com.sandboxbroker.core.expiry.ExpiryPolicy;
import com.sandboxbroker.core.job.JobDefaults;
import com.sandboxbroker.core.pool.PoolAssignment;
import com.sandboxbroker.core.provider.csp.CspSettings;
import com.sandboxbroker.core.provider.niosxaas.NiosXaasSettings;
import com.sandboxbroker.core.sync.SyncPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the runner reads from its environment (the contract is {@link JobsEnvironment}),
 * parsed and validated up front so a bad deployment fails fast with exit code 2 before any work.
 */
record RunnerSettings(
    JobName job,
    String tableName,
    Optional<String> region,
    Optional<URI> dynamoDbEndpoint,
    boolean createTable,
    ProviderKind provider,
    Optional<Path> staticInventory,
    Optional<CspSettings> csp,
    Optional<NiosXaasSettings> niosXaas,
    Optional<String> taskToken,
    String executionArn,
    Optional<URI> sfnEndpoint,
    Duration heartbeatPeriod,
    Duration stallLimit,
    Duration lockTtl,
    Duration runRetention,
    SyncPolicy sync,
    CleanupPolicy cleanup,
    ExpiryPolicy expiry,
    // the lease a migrated allocation without expires_at expires on: the service's own rule, so a
    // migrated allocation expires when the service would have said it does
    AllocationPolicy leases,
    // which pool a sandbox sync inserts joins (BROKER_POOLS, the service's pools setting as JSON)
    PoolAssignment pools) {

  enum ProviderKind {
    CSP,
    STATIC
  }

  /** Never prints secrets (the nested settings redact theirs; the task token is a capability). */
  @Override
  public String toString() {
    return "RunnerSettings[job="
        + job.wireName()
        + ", table="
        + tableName
        + ", provider="
        + provider
        + ", taskToken="
        + (taskToken.isPresent() ? "***" : "none")
        + "]";
  }

  static RunnerSettings from(JobName job, Map<String, String> env) {
    Reader r = new Reader(env);
    String table = r.required(TABLE_NAME);
    ProviderKind provider = providerKind(r);
    Optional<Path> inventory = r.optional(STATIC_INVENTORY_PATH).map(Path::of);
    boolean needsProvider = job != JobName.EXPIRY;
    if (needsProvider
        && provider == ProviderKind.STATIC
        && (inventory.isEmpty() || !Files.isReadable(inventory.get()))) {
      throw new InvalidConfigException(STATIC_INVENTORY_PATH.name() + " must name a readable file");
    }
    Optional<CspSettings> csp =
        needsProvider && provider == ProviderKind.CSP ? Optional.of(csp(r)) : Optional.empty();
    Optional<NiosXaasSettings> nios =
        job == JobName.CLEANUP && r.bool(NIOSXAAS_ENABLED)
            ? Optional.of(niosXaas(r, env))
            : Optional.empty();
    Duration lockTtl = r.seconds(JOB_LOCK_TTL_SECONDS, JobDefaults.LOCK_TTL);
    Duration heartbeat = r.seconds(SFN_HEARTBEAT_SECONDS, JobDefaults.HEARTBEAT_PERIOD);
    if (lockTtl.toSeconds() < 1 || heartbeat.toSeconds() < 1) {
      throw new InvalidConfigException(
          JOB_LOCK_TTL_SECONDS.name() + " and " + SFN_HEARTBEAT_SECONDS.name() + " must be >= 1");
    }
    Duration stall = r.seconds(JOB_STALL_SECONDS, JobDefaults.STALL_LIMIT);
    if (stall.compareTo(heartbeat) <= 0) {
      throw new InvalidConfigException(
          JOB_STALL_SECONDS.name() + " must exceed " + SFN_HEARTBEAT_SECONDS.name());
    }
    try {
      return new RunnerSettings(
          job,
          table,
          r.optional(AWS_REGION),
          r.uri(DYNAMODB_ENDPOINT),
          r.bool(CREATE_TABLE),
          provider,
          inventory,
          csp,
          nios,
          r.optional(TASK_TOKEN),
          r.optional(EXECUTION_ARN).orElse(""),
          r.uri(SFN_ENDPOINT),
          heartbeat,
          stall,
          lockTtl,
          r.days(JOB_RUN_RETENTION_DAYS, JobDefaults.RUN_RETENTION),
          new SyncPolicy(
              r.fraction(SYNC_MAX_STALE_FRACTION, SyncPolicy.DEFAULT_MAX_MISSING_FRACTION),
              SyncPolicy.DEFAULT_WRITE_PARALLELISM),
          cleanupPolicy(r),
          new ExpiryPolicy(r.hours(STALE_GRACE_HOURS, ExpiryPolicy.DEFAULT_STALE_GRACE)),
          leases(r),
          PoolAssignment.fromJson(r.optional(BROKER_POOLS).orElse("")));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage()); // the policies' range checks
    }
  }

  private static ProviderKind providerKind(Reader r) {
    return switch (r.optional(PROVIDER).orElse(JobsEnvironment.Defaults.PROVIDER)) {
      case "csp" -> ProviderKind.CSP;
      case "static" -> ProviderKind.STATIC;
      default -> throw new InvalidConfigException(PROVIDER.name() + " must be csp or static");
    };
  }

  private static CspSettings csp(Reader r) {
    String token =
        r.optional(CSP_API_TOKEN)
            .orElseThrow(
                () ->
                    new InvalidConfigException(
                        CSP_API_TOKEN.name() + " is required for PROVIDER=csp"));
    return new CspSettings(
        r.upstreamUri(CSP_BASE_URL).orElse(CspSettings.DEFAULT_BASE_URL),
        token,
        r.seconds(CSP_TIMEOUT_SECONDS, CspSettings.DEFAULT_REQUEST_TIMEOUT),
        CspSettings.DEFAULT_PAGE_SIZE);
  }

  private static NiosXaasSettings niosXaas(Reader r, Map<String, String> env) {
    URI base =
        r.upstreamUri(NIOSXAAS_BASE_URL).orElseThrow(() -> requiredWithNiosXaas(NIOSXAAS_BASE_URL));
    String email =
        r.optional(NIOSXAAS_EMAIL).orElseThrow(() -> requiredWithNiosXaas(NIOSXAAS_EMAIL));
    String password =
        r.optional(NIOSXAAS_PASSWORD).orElseThrow(() -> requiredWithNiosXaas(NIOSXAAS_PASSWORD));
    return new NiosXaasSettings(
        base,
        email,
        password,
        // present but empty means "all services" (upstream-csp.md)
        env.containsKey(NIOSXAAS_SERVICE_NAME.name())
            ? env.get(NIOSXAAS_SERVICE_NAME.name()).trim()
            : NiosXaasSettings.DEFAULT_SERVICE_NAME,
        r.bool(NIOSXAAS_SHADOW_MODE),
        r.seconds(CSP_TIMEOUT_SECONDS, CspSettings.DEFAULT_REQUEST_TIMEOUT),
        NiosXaasSettings.DEFAULT_SESSION_LIFETIME);
  }

  private static InvalidConfigException requiredWithNiosXaas(JobsEnvironment v) {
    return new InvalidConfigException(v.name() + " is required when NIOSXaaS is enabled");
  }

  private static CleanupPolicy cleanupPolicy(Reader r) {
    return new CleanupPolicy(
        r.integer(CLEANUP_PARALLELISM, CleanupPolicy.DEFAULT_PARALLELISM),
        r.integer(CLEANUP_MAX_ATTEMPTS, CleanupPolicy.DEFAULT_MAX_ATTEMPTS),
        r.seconds(CLEANUP_BACKOFF_BASE_SECONDS, CleanupPolicy.DEFAULT_BACKOFF_BASE),
        r.seconds(CLEANUP_BACKOFF_MAX_SECONDS, CleanupPolicy.DEFAULT_BACKOFF_MAX),
        r.integer(CLEANUP_MAX_ITEMS, CleanupPolicy.DEFAULT_MAX_ITEMS),
        r.days(DELETED_RETENTION_DAYS, CleanupPolicy.DEFAULT_DELETED_RETENTION),
        CleanupPolicy.DEFAULT_BREAKER_MINIMUM_CALLS);
  }

  /**
   * LEASE_HOURS and LEASE_HOURS_BY_LAB as the allocation policy's lease rule; every lease >= 1 h.
   */
  private static AllocationPolicy leases(Reader r) {
    long hours = r.positive(LEASE_HOURS, AllocationPolicy.DEFAULT_LEASE.toHours());
    if (hours < 1) {
      throw new InvalidConfigException(LEASE_HOURS.name() + " must be at least 1");
    }
    Map<String, Duration> byLab = new HashMap<>();
    for (String entry : r.optional(LEASE_HOURS_BY_LAB).orElse("").split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      long labHours;
      try {
        labHours = eq > 0 ? Long.parseLong(entry.substring(eq + 1).trim()) : 0;
      } catch (NumberFormatException e) {
        labHours = 0;
      }
      if (labHours < 1) {
        throw new InvalidConfigException(
            LEASE_HOURS_BY_LAB.name() + " must be lab=hours pairs, each at least 1 hour");
      }
      byLab.put(entry.substring(0, eq).trim(), Duration.ofHours(labHours));
    }
    var defaults = AllocationPolicy.defaults();
    return new AllocationPolicy(
        defaults.identityCap(),
        Duration.ofHours(hours),
        byLab,
        defaults.claimBudget(),
        defaults.candidateBatch());
  }

  /** Reads variables by their contract names; error messages name the variable, never its value. */
  private record Reader(Map<String, String> env) {
    Optional<String> optional(JobsEnvironment v) {
      String value = env.get(v.name());
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String required(JobsEnvironment v) {
      return optional(v).orElseThrow(() -> new InvalidConfigException(v.name() + " is required"));
    }

    boolean bool(JobsEnvironment v) {
      return optional(v)
          .map(
              s ->
                  switch (s.toLowerCase(Locale.ROOT)) {
                    case "true", "1", "yes" -> true;
                    case "false", "0", "no" -> false;
                    default ->
                        throw new InvalidConfigException(v.name() + " must be true or false");
                  })
          .orElse(false);
    }

    Optional<URI> uri(JobsEnvironment v) {
      return optional(v)
          .map(
              s -> {
                try {
                  URI u = URI.create(s);
                  if (u.getScheme() == null || u.getHost() == null) {
                    throw new IllegalArgumentException();
                  }
                  return u;
                } catch (IllegalArgumentException e) {
                  throw new InvalidConfigException(v.name() + " must be an absolute URL");
                }
              });
    }

    /**
     * An upstream base URL: {@code https} only, since every request carries the CSP token or the
     * NIOSXaaS credentials. Plain {@code http} is accepted for a loopback host alone (the tests'
     * stubs, a local tunnel): the bytes never leave the machine, so TLS would protect nothing, and
     * no deployed value can be one (the CDK app sets the public https URLs).
     */
    Optional<URI> upstreamUri(JobsEnvironment v) {
      return uri(v)
          .map(
              u -> {
                String scheme = u.getScheme().toLowerCase(Locale.ROOT);
                if (scheme.equals("https") || (scheme.equals("http") && isLoopback(u.getHost()))) {
                  return u;
                }
                throw new InvalidConfigException(
                    v.name()
                        + " must be an https:// URL (http:// only for a loopback host such as 127.0.0.1)");
              });
    }

    private static boolean isLoopback(String host) {
      String h = host.toLowerCase(Locale.ROOT);
      return h.equals("localhost") || h.equals("[::1]") || h.matches("127(\\.\\d{1,3}){3}");
    }

    long positive(JobsEnvironment v, long fallback) {
      return optional(v)
          .map(
              s -> {
                try {
                  long n = Long.parseLong(s);
                  if (n < 0) {
                    throw new NumberFormatException();
                  }
                  return n;
                } catch (NumberFormatException e) {
                  throw new InvalidConfigException(v.name() + " must be a non-negative integer");
                }
              })
          .orElse(fallback);
    }

    int integer(JobsEnvironment v, int fallback) {
      return (int) Math.min(Integer.MAX_VALUE, positive(v, fallback));
    }

    Duration seconds(JobsEnvironment v, Duration fallback) {
      return Duration.ofSeconds(positive(v, fallback.toSeconds()));
    }

    Duration hours(JobsEnvironment v, Duration fallback) {
      return Duration.ofHours(positive(v, fallback.toHours()));
    }

    Duration days(JobsEnvironment v, Duration fallback) {
      return Duration.ofDays(positive(v, fallback.toDays()));
    }

    double fraction(JobsEnvironment v, double fallback) {
      return optional(v)
          .map(
              s -> {
                try {
                  double d = Double.parseDouble(s);
                  if (!(d >= 0 && d <= 1)) {
                    throw new NumberFormatException();
                  }
                  return d;
                } catch (NumberFormatException e) {
                  throw new InvalidConfigException(v.name() + " must be a number in 0..1");
                }
              })
          .orElse(fallback);
    }
  }
}
