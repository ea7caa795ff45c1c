package com.sandboxbroker.service.observability;

import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.http.TrackHeaders;
import com.sandboxbroker.service.metrics.BrokerMetrics;
import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One structured log event and the outcome metrics for every API request: action, outcome, status,
 * latency, the caller's token <em>name</em> (never the token), identity and lab. Runs first (before
 * authentication) so refused requests are logged and timed too. Client errors are INFO (401/403/429
 * WARN, worth a look in aggregate); only 5xx is ERROR.
 */
@PreMatching
@Priority(100)
public final class ApiEventFilter implements ContainerRequestFilter, ContainerResponseFilter {
  private static final Logger LOG = LoggerFactory.getLogger("com.sandboxbroker.service.api");
  private static final String STARTED = ApiEventFilter.class.getName() + ".started";
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final List<String> FIELDS =
      List.of("action", "outcome", "status", "latency_ms", "caller", "identity", "lab");

  private final BrokerMetrics metrics;

  /**
   * Action name per resource method: a reflective annotation lookup per request showed in the
   * profile.
   */
  private final Map<Method, String> actions = new ConcurrentHashMap<>();

  @Context private ResourceInfo resourceInfo;

  public ApiEventFilter(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    request.setProperty(STARTED, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Object started = request.getProperty(STARTED);
    long nanos = started instanceof Long s ? System.nanoTime() - s : 0;
    int status = response.getStatus();
    String code = response.getEntity() instanceof ErrorResponse e ? e.detail().code() : null;
    String action = action();
    String outcome = outcome(action, status, code);
    if (action.equals("allocate")) {
      metrics.allocateAnswered(outcome, nanos / 1e9);
    } else if (action.equals("mark_for_deletion") && status == 200) {
      metrics.deletionMarked("success");
    }
    // documentation pages and their assets are not API actions
    if (action.equals("docs")) {
      return;
    }
    var principal =
        request.getSecurityContext() == null
            ? null
            : request.getSecurityContext().getUserPrincipal();
    try {
      MDC.put("action", action);
      MDC.put("outcome", outcome);
      MDC.put("status", Integer.toString(status));
      MDC.put("latency_ms", Long.toString(nanos / 1_000_000));
      if (principal instanceof Caller caller) {
        MDC.put("caller", caller.name());
      }
      String identity =
          loggable(
              firstNonBlank(
                  request.getHeaderString(TrackHeaders.IDENTITY),
                  request.getHeaderString(TrackHeaders.LEGACY_IDENTITY)));
      if (identity != null) {
        MDC.put("identity", identity);
      }
      String lab = loggable(request.getHeaderString(TrackHeaders.LAB));
      if (lab != null) {
        MDC.put("lab", lab);
      }
      String message = "{} {} {} -> {} {}";
      Object[] args = {
        action, request.getMethod(), request.getUriInfo().getPath(), status, outcome
      };
      if (status >= 500) {
        LOG.error(message, args);
      } else if (status == 401 || status == 403 || status == 429) {
        LOG.warn(message, args);
      } else {
        LOG.info(message, args);
      }
    } finally {
      FIELDS.forEach(MDC::remove);
    }
  }

  private String action() {
    Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
    if (method == null) {
      return "unmatched";
    }
    return actions.computeIfAbsent(
        method,
        m -> {
          ApiAction a = m.getAnnotation(ApiAction.class);
          return a == null ? m.getName() : a.value();
        });
  }

  /** The contract's outcome names for allocate; the error code (lower case) otherwise. */
  static String outcome(String action, int status, String code) {
    if (status >= 500) {
      return "error";
    }
    if (action.equals("allocate")) {
      if (status == 201) {
        return "success";
      }
      if (status == 200) {
        return "idempotent";
      }
      if (ErrorCode.NO_SANDBOXES_AVAILABLE.name().equals(code)) {
        return "no_sandboxes";
      }
    }
    if (status < 400) {
      return "success";
    }
    return code == null ? "http_" + status : code.toLowerCase(Locale.ROOT);
  }

  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a : b;
  }

  /** Caller-supplied text, bounded and stripped of control characters before it reaches a log. */
  private static String loggable(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.trim();
    if (trimmed.length() > TrackHeaders.MAX_LENGTH) {
      trimmed = trimmed.substring(0, TrackHeaders.MAX_LENGTH);
    }
    // a precompiled pattern, and only when needed: String.replaceAll compiles one per call, twice
    // per request (identity and lab), which showed in the service's profile
    return trimmed.chars().anyMatch(Character::isISOControl)
        ? CONTROL.matcher(trimmed).replaceAll("?")
        : trimmed;
  }
}
