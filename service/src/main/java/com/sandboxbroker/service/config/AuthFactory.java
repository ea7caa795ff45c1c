package com.sandboxbroker.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sandboxbroker.core.contract.ServiceEnvironment;
import com.sandboxbroker.core.tenant.Tenant;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.auth.RunTimeTokens;
import com.sandboxbroker.service.auth.TokenRegistry;
import jakarta.validation.Valid;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Builds the token registry from config and from the earlier broker's environment variables ({@code
 * BROKER_API_TOKEN}, {@code BROKER_ADMIN_TOKEN}, comma-separated; an admin entry may be {@code
 * name=token}). Environment tokens are the {@code default} tenant's. With no token at all, local
 * mode generates one of each and prints it; a deployed service refuses to start.
 */
public final class AuthFactory {
  @JsonProperty @Valid private List<TrackTokenConfig> trackTokens = new ArrayList<>();
  @JsonProperty private List<String> adminTokens = new ArrayList<>();

  /**
   * How long a task trusts what it read about a run-time token (contract §6: a revocation reaches
   * every task within 60 s, so at most 30 s; tests shorten it).
   */
  @JsonProperty
  @jakarta.validation.constraints.Min(1)
  @jakarta.validation.constraints.Max(30)
  private int tokenCacheSeconds = (int) RunTimeTokens.MAX_CACHE_TTL.toSeconds();

  public Duration tokenCacheTtl() {
    return Duration.ofSeconds(tokenCacheSeconds);
  }

  /** What a local start generated, so it can be printed once. */
  public record GeneratedTokens(String track, String admin) {}

  public TokenRegistry build(
      Map<String, String> environment, boolean localMode, List<GeneratedTokens> generatedOut) {
    List<TrackTokenConfig> tracks = new ArrayList<>(trackTokens);
    List<String> admins = new ArrayList<>(adminTokens);
    split(environment.get(ServiceEnvironment.BROKER_API_TOKEN.name()))
        .forEach(t -> tracks.add(TrackTokenConfig.unbound(null, t)));
    admins.addAll(split(environment.get(ServiceEnvironment.BROKER_ADMIN_TOKEN.name())));
    if (tracks.isEmpty() && admins.isEmpty()) {
      if (!localMode) {
        throw new IllegalStateException(
            "No tokens configured: set BROKER_API_TOKEN and BROKER_ADMIN_TOKEN");
      }
      var generated = new GeneratedTokens(randomToken(), randomToken());
      generatedOut.add(generated);
      tracks.add(TrackTokenConfig.unbound("local-track", generated.track()));
      admins.add(generated.admin());
    }
    List<TokenRegistry.Entry> entries = new ArrayList<>();
    for (int i = 0; i < tracks.size(); i++) {
      TrackTokenConfig t = tracks.get(i);
      String name = t.name() == null || t.name().isBlank() ? "track-" + (i + 1) : t.name();
      entries.add(new TokenRegistry.Entry(t.token(), trackCaller(name, t)));
    }
    for (int i = 0; i < admins.size(); i++) {
      NamedToken admin = NamedToken.parse(admins.get(i), "admin-" + (i + 1));
      entries.add(new TokenRegistry.Entry(admin.token(), Caller.admin(admin.name())));
    }
    return new TokenRegistry(entries);
  }

  private static Caller trackCaller(String name, TrackTokenConfig t) {
    Optional<String> defaultPrefix =
        Optional.ofNullable(t.defaultPrefix()).filter(p -> !p.isEmpty());
    if (defaultPrefix.isEmpty() && t.allowedPrefixes().size() == 1) {
      defaultPrefix = Optional.of(t.allowedPrefixes().get(0));
    }
    if (defaultPrefix.isEmpty() && t.allowedPrefixes().size() > 1) {
      throw new IllegalStateException(
          "Track token '" + name + "' allows several prefixes and needs a defaultPrefix");
    }
    if (defaultPrefix.isPresent()
        && !t.allowedPrefixes().isEmpty()
        && t.allowedPrefixes().stream().noneMatch(defaultPrefix.get()::startsWith)) {
      throw new IllegalStateException(
          "Track token '" + name + "' has a defaultPrefix outside its allowedPrefixes");
    }
    return Caller.track(
        name,
        Tenant.orDefault(t.tenant()),
        t.allowedPrefixes(),
        defaultPrefix,
        Optional.ofNullable(t.lab()).filter(l -> !l.isEmpty()),
        Optional.ofNullable(t.leaseHours()).map(Duration::ofHours),
        Optional.empty(),
        OptionalInt.empty());
  }

  /**
   * An admin entry: {@code name=token}, {@code name=sha256:<hex>}, or a bare token that keeps its
   * positional name. The name is what audit trails record. Only a name of {@code
   * [A-Za-z0-9._-]{1,64}} followed by a non-empty value counts as one, so a bare token with base64
   * padding ({@code abc==}) stays a bare token.
   */
  record NamedToken(String name, String token) {
    private static final Pattern NAMED = Pattern.compile("([A-Za-z0-9._-]{1,64})=(.*[^=].*)");

    static NamedToken parse(String entry, String positionalName) {
      var m = NAMED.matcher(entry);
      return m.matches()
          ? new NamedToken(m.group(1), m.group(2))
          : new NamedToken(positionalName, entry);
    }
  }

  private static List<String> split(String value) {
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
