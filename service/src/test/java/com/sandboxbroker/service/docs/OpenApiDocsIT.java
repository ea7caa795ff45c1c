package com.sandboxbroker.service.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.service.resources.AdminResource;
import com.sandboxbroker.service.resources.AllocationResource;
import com.sandboxbroker.service.testing.TestBroker;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The served OpenAPI document is valid OpenAPI 3 and complete; the Swagger UI page loads. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OpenApiDocsIT {
  private static TestBroker broker;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void theDocumentValidatesAsOpenApi3AndListsEveryRoute() {
    HttpResponse<String> r = broker.get("/v1/openapi.json", null); // public: no token
    assertThat(r.statusCode()).isEqualTo(200);
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(r.body(), null, options);
    assertThat(result.getMessages()).as("validator messages").isEmpty();
    OpenAPI api = result.getOpenAPI();
    assertThat(api.getOpenapi()).startsWith("3.");
    assertThat(api.getServers()).extracting(s -> s.getUrl()).containsExactly("/v1");
    var bearer = api.getComponents().getSecuritySchemes().get("bearer");
    assertThat(bearer.getType().toString()).isEqualTo("http");
    assertThat(bearer.getScheme()).isEqualTo("bearer");
    assertThat(api.getSecurity()).isNotEmpty();

    List<String> documented = new ArrayList<>();
    api.getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap().forEach((m, op) -> documented.add(m + " " + path)));
    assertThat(documented).containsAll(jaxRsRoutes()).contains("GET /healthz", "GET /readyz");

    for (Map.Entry<String, PathItem> e : api.getPaths().entrySet()) {
      for (Operation op : e.getValue().readOperations()) {
        if (e.getKey().equals("/healthz") || e.getKey().equals("/readyz")) {
          assertThat(op.getSecurity()).isEmpty();
          continue;
        }
        assertThat(op.getSummary()).as(e.getKey()).isNotBlank();
        assertThat(op.getResponses()).as(e.getKey()).containsKeys("401", "403", "429", "500");
        op.getResponses()
            .forEach(
                (status, resp) -> {
                  assertThat(resp.getHeaders())
                      .as(e.getKey() + " " + status)
                      .containsKey("X-Request-ID");
                  assertThat(resp.getContent()).as(e.getKey() + " " + status).isNotNull();
                });
        assertThat(op.getResponses().get("429").getHeaders()).containsKey("Retry-After");
        assertThat(op.getResponses().get("401").getHeaders()).containsKey("WWW-Authenticate");
      }
    }
    // the track headers are described
    var allocate = api.getPaths().get("/allocate").getPost();
    assertThat(allocate.getParameters())
        .extracting(p -> p.getName())
        .contains(
            "X-Instruqt-Sandbox-ID",
            "X-Track-ID",
            "X-Instruqt-Track-ID",
            "X-Sandbox-Name-Prefix",
            "Idempotency-Key",
            "X-Request-ID");
    assertThat(allocate.getResponses()).containsKeys("200", "201", "400", "409");
  }

  /** Every JAX-RS route of the API resources, as "get /path". */
  private static List<String> jaxRsRoutes() {
    List<String> routes = new ArrayList<>();
    for (Class<?> resource : List.of(AllocationResource.class, AdminResource.class)) {
      String base = resource.getAnnotation(Path.class).value();
      for (Method m : resource.getMethods()) {
        Path p = m.getAnnotation(Path.class);
        String verb =
            m.isAnnotationPresent(GET.class)
                ? "GET"
                : m.isAnnotationPresent(POST.class) ? "POST" : null;
        if (p != null && verb != null) {
          String path = ("/" + base + "/" + p.value()).replaceAll("/+", "/");
          routes.add(verb + " " + path);
        }
      }
    }
    assertThat(routes).hasSize(10);
    return routes;
  }

  @Test
  void theSwaggerUiPageLoadsUnderItsContentSecurityPolicy() {
    HttpResponse<String> page = broker.get("/v1/docs", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("script-src 'self'")
        .contains("style-src 'self'")
        .contains("connect-src 'self'");

    // no inline script: every <script> has a src, served from this origin with a script type
    Matcher scripts =
        Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page.body());
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(2)).as("inline script").isBlank();
      Matcher src = Pattern.compile("src=\"([^\"]+)\"").matcher(scripts.group(1));
      assertThat(src.find()).isTrue();
      assertThat(src.group(1)).startsWith("/v1/");
      HttpResponse<String> js = broker.get(src.group(1), null);
      assertThat(js.statusCode()).as(src.group(1)).isEqualTo(200);
      assertThat(js.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    }
    assertThat(count).isEqualTo(2);
    Matcher css = Pattern.compile("href=\"([^\"]+\\.css)\"").matcher(page.body());
    assertThat(css.find()).isTrue();
    HttpResponse<String> style = broker.get(css.group(1), null);
    assertThat(style.statusCode()).isEqualTo(200);
    assertThat(style.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");

    String initializer = broker.get("/v1/docs/initializer.js", null).body();
    assertThat(initializer).contains("SwaggerUIBundle").contains("data-spec-url");
    Matcher spec = Pattern.compile("data-spec-url=\"([^\"]+)\"").matcher(page.body());
    assertThat(spec.find()).isTrue();
    assertThat(broker.get(spec.group(1), null).statusCode()).isEqualTo(200);

    // anything else under swagger-ui is a contract-shaped 404
    HttpResponse<String> missing = broker.get("/v1/swagger-ui/index.html", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"code\":\"NOT_FOUND\"");
  }

  @Test
  void tryItOutReachesTheApiThroughTheDocumentsServer() {
    broker.seed("lab-docs-", 1);
    // the document's server "/v1" + path "/allocate", with the bearer scheme it declares
    HttpResponse<String> r =
        broker.send(
            broker
                .request("/v1" + "/allocate", TestBroker.TRACK_TOKEN)
                .header("X-Instruqt-Sandbox-ID", "swagger-user")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(""))
                .build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }
}
