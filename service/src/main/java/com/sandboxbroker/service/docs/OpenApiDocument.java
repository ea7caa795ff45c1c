package com.sandboxbroker.service.docs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.http.RequestIdFilter;
import com.sandboxbroker.service.ratelimit.RateLimitFilter;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the OpenAPI 3 document once at start-up: swagger-core reads the resources' annotations,
 * then the rules that hold for every operation (bearer auth, the request id, rate limit headers,
 * the shared error responses) are added here once instead of repeated on every method, and the
 * root-level health endpoints are described with their own server.
 */
public final class OpenApiDocument {
  private static final String BEARER = "bearer";
  private static final String ERROR_REF = "#/components/schemas/ErrorResponse";

  private OpenApiDocument() {}

  public static String json(String basePath, Set<Class<?>> resources) {
    OpenAPI base =
        new OpenAPI()
            .info(
                new Info()
                    .title("Sandbox Broker API")
                    .version("v1")
                    .description(
                        "Hands pre-created Infoblox CSP sandbox accounts to lab tracks. Every"
                            + " route here needs `Authorization: Bearer <token>`: track tokens for"
                            + " the track routes, admin tokens for `/admin`. Every error has the"
                            + " shape `{\"detail\": {\"code\", \"message\", \"request_id\","
                            + " \"retry_after\"?, \"reason\"?}}`. POST endpoints take no body."
                            + " Times are epoch seconds."))
            .servers(List.of(new Server().url(basePath).description("this broker")))
            .components(
                new Components()
                    .addSecuritySchemes(
                        BEARER,
                        new SecurityScheme()
                            .type(SecurityScheme.Type.HTTP)
                            .scheme("bearer")
                            .description("A track token or an admin token")))
            .addSecurityItem(new SecurityRequirement().addList(BEARER));
    OpenAPI api = new Reader(new SwaggerConfiguration().openAPI(base)).read(resources);
    ModelConverters.getInstance()
        .readAll(ErrorResponse.class)
        .forEach(api.getComponents()::addSchemas);
    api.getPaths()
        .values()
        .forEach(p -> p.readOperations().forEach(OpenApiDocument::addCommonRules));
    addHealthEndpoints(api);
    try {
      return Json.mapper().writeValueAsString(api);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("OpenAPI document not serializable", e);
    }
  }

  private static void addCommonRules(Operation op) {
    op.addParametersItem(
        new HeaderParameter()
            .name(RequestIdFilter.HEADER)
            .required(false)
            .description(
                "Correlation id (1–128 of [A-Za-z0-9._-]); echoed, else a fresh UUID is used")
            .schema(new StringSchema().maxLength(128).pattern("^[A-Za-z0-9._-]{1,128}$")));
    ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
    op.setResponses(responses);
    error(
            responses,
            "401",
            "UNAUTHORIZED: missing, malformed or unknown bearer token (with WWW-Authenticate: Bearer)")
        .addHeaderObject("WWW-Authenticate", header("Bearer", new StringSchema()));
    error(
        responses,
        "403",
        "FORBIDDEN: this kind of token may not use this endpoint (or a policy code)");
    error(
        responses,
        "413",
        "PAYLOAD_TOO_LARGE: API requests take no body (checked after authentication: without a valid token the answer is 401)");
    error(responses, "429", "RATE_LIMIT_EXCEEDED: this token and identity exceeded the rate limit")
        .addHeaderObject("Retry-After", header("Seconds to wait", new IntegerSchema()));
    error(responses, "500", "INTERNAL_ERROR: quote the request id");
    error(
            responses,
            "503",
            "SERVICE_UNAVAILABLE: the sandbox store is briefly busy or unreachable; retry after Retry-After")
        .addHeaderObject("Retry-After", header("Seconds to wait", new IntegerSchema()));
    for (Map.Entry<String, ApiResponse> e : responses.entrySet()) {
      ApiResponse r = e.getValue();
      r.addHeaderObject(
          RequestIdFilter.HEADER,
          header("The request's id, also in logs and error bodies", new StringSchema()));
      if (e.getKey().startsWith("2")) {
        r.addHeaderObject(
            RateLimitFilter.LIMIT_HEADER,
            header("The burst allowed per identity", new IntegerSchema()));
        r.addHeaderObject(
            RateLimitFilter.REMAINING_HEADER,
            header("Requests left in the burst", new IntegerSchema()));
      }
    }
  }

  private static ApiResponse error(ApiResponses responses, String status, String description) {
    ApiResponse r = responses.get(status);
    if (r == null) {
      r = new ApiResponse().description(description);
      responses.addApiResponse(status, r);
    }
    if (r.getContent() == null) {
      r.content(
          new Content()
              .addMediaType(
                  "application/json", new MediaType().schema(new Schema<>().$ref(ERROR_REF))));
    }
    return r;
  }

  private static Header header(String description, Schema<?> schema) {
    return new Header().description(description).schema(schema);
  }

  /** /healthz and /readyz sit at the root, outside the base path: their own server, no auth. */
  private static void addHealthEndpoints(OpenAPI api) {
    List<Server> root = List.of(new Server().url("/").description("service root"));
    api.path(
        "/healthz",
        new PathItem()
            .servers(root)
            .get(
                new Operation()
                    .operationId("healthz")
                    .addTagsItem("health")
                    .summary("Liveness (no auth, no dependencies)")
                    .security(List.of())
                    .responses(
                        new ApiResponses()
                            .addApiResponse(
                                "200",
                                json(
                                    "Alive: {\"status\": \"healthy\", \"timestamp\"}",
                                    new ObjectSchema()
                                        .addProperty(
                                            "status", new StringSchema()._enum(List.of("healthy")))
                                        .addProperty(
                                            "timestamp", new IntegerSchema().format("int64")))))));
    Schema<?> readiness =
        new ObjectSchema()
            .addProperty("status", new StringSchema()._enum(List.of("ready", "not_ready")))
            .addProperty("timestamp", new IntegerSchema().format("int64"))
            .addProperty(
                "checks",
                new ObjectSchema()
                    .addProperty(
                        "dynamodb", new StringSchema()._enum(List.of("ok", "unavailable"))));
    api.path(
        "/readyz",
        new PathItem()
            .servers(root)
            .get(
                new Operation()
                    .operationId("readyz")
                    .addTagsItem("health")
                    .summary("Readiness: DynamoDB reachable (no auth; never exception text)")
                    .security(List.of())
                    .responses(
                        new ApiResponses()
                            .addApiResponse("200", json("Ready", readiness))
                            .addApiResponse("503", json("Not ready", readiness)))));
  }

  private static ApiResponse json(String description, Schema<?> schema) {
    return new ApiResponse()
        .description(description)
        .content(new Content().addMediaType("application/json", new MediaType().schema(schema)));
  }
}
