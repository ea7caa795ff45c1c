package com.sandboxbroker.service.http;

import com.sandboxbroker.service.api.IssueTokenRequest;
import com.sandboxbroker.service.errors.ExceptionResponses;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every response gets whatever produced it (contract §1): a request id, the security headers,
 * the error shape for Jersey's refusals, the servlets' {@code sendError}s and Jetty's own errors, a
 * bounded request body, CORS only for configured origins, and a JSON 404 outside the API.
 */
public final class HttpHardening {
  private HttpHardening() {}

  /**
   * Registers it all on the environment.
   *
   * @param maxRequestBodyBytes the body limit of every route but the token route's own
   * @param corsAllowedOrigins empty: no CORS headers at all
   * @return the API's exception mappers it registered with Jersey, for answers written outside it
   */
  public static ExceptionResponses register(
      Environment environment,
      String basePath,
      long maxRequestBodyBytes,
      List<String> corsAllowedOrigins) {
    ExceptionResponses exceptions = ExceptionResponses.standard();
    var jersey = environment.jersey();
    // the body limit runs right after authentication: a stranger gets 401 and its body is never
    // read
    jersey.register(
        new RequestBodyLimitFilter(
            maxRequestBodyBytes, Map.of("admin/tokens", IssueTokenRequest.MAX_BODY_BYTES)));
    exceptions.mappers().forEach(jersey::register);

    var servlets = environment.servlets();
    servlets
        .addFilter("request-id", new RequestIdFilter())
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
    servlets
        .addFilter("security-headers", new SecurityHeadersFilter(basePath))
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
    servlets
        .addFilter("error-body", new ErrorBodyFilter())
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
    if (!corsAllowedOrigins.isEmpty()) {
      servlets
          .addFilter("cors", new CorsFilter(Set.copyOf(corsAllowedOrigins)))
          .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }
    servlets
        .addServlet("not-found", new HealthServlets.NotFound(environment.getObjectMapper()))
        .addMapping("/");

    environment.getApplicationContext().setErrorHandler(new JsonErrorHandler());
    environment
        .lifecycle()
        .addServerLifecycleListener(server -> server.setErrorHandler(new JsonServerErrorHandler()));
    return exceptions;
  }
}
