package com.sandboxbroker.service.observability;

import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.http.TrackHeaders;
import com.sandboxbroker.service.metrics.BrokerMetrics;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One structured log event and the outcome metrics for every answered API request: action, outcome,
 * status, latency, the caller's token <em>name</em> (never the token), identity and lab. Client
 * errors are INFO (401/403/429 WARN, worth a look in aggregate); only 5xx is ERROR. Jersey's
 * requests reach it through {@link ApiEventFilter}; allocations served before Jersey ({@code
 * AllocateServletFilter}) call it directly, so both produce the same event.
 */
public final class ApiEvents {
  private static final Logger LOG = LoggerFactory.getLogger("com.sandboxbroker.service.api");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final List<String> FIELDS =
      List.of("action", "outcome", "status", "latency_ms", "caller", "identity", "lab");

  /** The action name of allocations, in events and metrics. */
  public static final String ALLOCATE = "allocate";

  private final BrokerMetrics metrics;

  public ApiEvents(BrokerMetrics metrics) {
    this.metrics = metrics;
  }

  /** What one answered request was; {@code header} looks up the request's headers by name. */
  public record Answered(
      String action,
      String method,
      String path,
      int status,
      String errorCode,
      long nanos,
      Principal principal,
      UnaryOperator<String> header) {}

  public void answered(Answered a) {
    String outcome = outcome(a.action(), a.status(), a.errorCode());
    if (a.action().equals(ALLOCATE)) {
      metrics.allocateAnswered(outcome, a.nanos() / 1e9);
    } else if (a.action().equals("mark_for_deletion") && a.status() == 200) {
      metrics.deletionMarked("success");
    }
    // documentation pages and their assets are not API actions
    if (a.action().equals("docs")) {
      return;
    }
    try {
      MDC.put("action", a.action());
      MDC.put("outcome", outcome);
      MDC.put("status", Integer.toString(a.status()));
      MDC.put("latency_ms", Long.toString(a.nanos() / 1_000_000));
      if (a.principal() instanceof Caller caller) {
        MDC.put("caller", caller.name());
      }
      String identity =
          loggable(
              firstNonBlank(
                  a.header().apply(TrackHeaders.IDENTITY),
                  a.header().apply(TrackHeaders.LEGACY_IDENTITY)));
      if (identity != null) {
        MDC.put("identity", identity);
      }
      String lab = loggable(a.header().apply(TrackHeaders.LAB));
      if (lab != null) {
        MDC.put("lab", lab);
      }
      log(a, outcome);
    } finally {
      FIELDS.forEach(MDC::remove);
    }
  }

  private static void log(Answered a, String outcome) {
    String message = "{} {} {} -> {} {}";
    Object[] args = {a.action(), a.method(), a.path(), a.status(), outcome};
    if (a.status() >= 500) {
      LOG.error(message, args);
    } else if (a.status() == 401 || a.status() == 403 || a.status() == 429) {
      LOG.warn(message, args);
    } else {
      LOG.info(message, args);
    }
  }

  /** The contract's outcome names for allocate; the error code (lower case) otherwise. */
  static String outcome(String action, int status, String code) {
    if (status >= 500) {
      return "error";
    }
    if (action.equals(ALLOCATE)) {
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
