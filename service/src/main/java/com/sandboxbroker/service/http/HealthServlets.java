package com.sandboxbroker.service.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.core.store.SandboxStore;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.errors.ErrorWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /healthz} and {@code /readyz} at the root, outside Jersey: no authentication, no rate
 * limit, and never an exception's text.
 */
public final class HealthServlets {
  private HealthServlets() {}

  /** Liveness: no dependencies, so a slow database never makes the load balancer kill tasks. */
  public static final class Liveness extends JsonServlet {
    private final transient Clock clock;

    public Liveness(ObjectMapper json, Clock clock) {
      super(json);
      this.clock = clock;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      write(resp, 200, Map.of("status", "healthy", "timestamp", clock.instant().getEpochSecond()));
    }
  }

  /** Readiness: DynamoDB reachable. */
  public static final class Readiness extends JsonServlet {
    private final transient SandboxStore store;
    private final transient Clock clock;

    public Readiness(ObjectMapper json, SandboxStore store, Clock clock) {
      super(json);
      this.store = store;
      this.clock = clock;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      boolean ok = store.isReachable();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", ok ? "ready" : "not_ready");
      body.put("timestamp", clock.instant().getEpochSecond());
      body.put("checks", Map.of("dynamodb", ok ? "ok" : "unavailable"));
      write(resp, ok ? 200 : 503, body);
    }
  }

  /** Everything outside the API's base path and the health endpoints. */
  public static final class NotFound extends JsonServlet {
    public NotFound(ObjectMapper json) {
      super(json);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      ErrorWriter.write(resp, ErrorCode.NOT_FOUND);
    }
  }
}
