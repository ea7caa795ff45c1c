package com.sandboxbroker.core.provider.niosxaas;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * NIOSXaaS pre-delete clean-up settings.
 *
 * @param serviceName universal services with exactly this name are deleted; {@code ""} = all
 * @param shadowMode only count what would be deleted
 * @param sessionLifetime how long a sign-in is reused when its token carries no {@code exp}
 */
public record NiosXaasSettings(
    URI baseUrl,
    String email,
    String password,
    String serviceName,
    boolean shadowMode,
    Duration requestTimeout,
    Duration sessionLifetime) {
  public static final String DEFAULT_SERVICE_NAME = "Instrqt-SaaS";

  /** Comfortably below typical CSP session lifetimes; a 401 re-signs in anyway. */
  public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofMinutes(10);

  public NiosXaasSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (email == null || email.isBlank() || password == null || password.isEmpty()) {
      throw new IllegalArgumentException("NIOSXaaS e-mail and password are required");
    }
    serviceName = serviceName == null ? DEFAULT_SERVICE_NAME : serviceName;
    String text = baseUrl.toString();
    if (text.endsWith("/")) {
      baseUrl = URI.create(text.substring(0, text.length() - 1));
    }
  }

  /** Never prints the credentials. */
  @Override
  public String toString() {
    return "NiosXaasSettings[baseUrl="
        + baseUrl
        + ", email=***, password=***, serviceName="
        + serviceName
        + ", shadowMode="
        + shadowMode
        + "]";
  }
}
