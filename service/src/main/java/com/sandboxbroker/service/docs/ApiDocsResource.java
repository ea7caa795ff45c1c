package com.sandboxbroker.service.docs;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * The public documentation routes under the base path: the OpenAPI document and the Swagger UI
 * page. The page loads Swagger UI from the webjar (served by an asset servlet) and starts it with a
 * script file of our own, not an inline script, so the page's CSP needs no inline-script allowance
 * for our code.
 */
@Path("/")
@Hidden
public final class ApiDocsResource {
  private final String openApiJson;
  private final String page;
  private final String initializer;
  private final String swaggerUiAssets = swaggerUiAssets();

  public ApiDocsResource(String basePath, String openApiJson) {
    this.openApiJson = openApiJson;
    this.page =
        """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Sandbox Broker API</title>
          <link rel="stylesheet" href="BASE/swagger-ui/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui" data-spec-url="BASE/openapi.json"></div>
          <script src="BASE/swagger-ui/swagger-ui-bundle.js"></script>
          <script src="BASE/docs/initializer.js"></script>
        </body>
        </html>
        """
            .replace("BASE", basePath);
    this.initializer = classpathText("/docs/initializer.js");
  }

  @GET
  @Path("openapi.json")
  @Produces(MediaType.APPLICATION_JSON)
  public String openApi() {
    return openApiJson;
  }

  @GET
  @Path("docs")
  @Produces(MediaType.TEXT_HTML)
  public String docs() {
    return page;
  }

  @GET
  @Path("docs/initializer.js")
  @Produces("text/javascript")
  public String initializer() {
    return initializer;
  }

  /**
   * The few Swagger UI files the page loads, from the webjar. Served by Jersey rather than an asset
   * servlet so that anything else under {@code swagger-ui/} is a 404 in the contract's shape (the
   * asset servlet's bare 404 skipped our headers; found by the hostile-request property test).
   */
  @GET
  @Path("swagger-ui/{file}")
  public Response swaggerUi(@jakarta.ws.rs.PathParam("file") String file) {
    String type = SWAGGER_UI_FILES.get(file);
    if (type == null) {
      throw new NotFoundException();
    }
    InputStream in = ApiDocsResource.class.getResourceAsStream(swaggerUiAssets + file);
    if (in == null) {
      throw new NotFoundException();
    }
    return Response.ok(in, type).build();
  }

  private static final Map<String, String> SWAGGER_UI_FILES =
      Map.of(
          "swagger-ui.css", "text/css",
          "swagger-ui-bundle.js", "text/javascript",
          "swagger-ui-standalone-preset.js", "text/javascript",
          "favicon-16x16.png", "image/png",
          "favicon-32x32.png", "image/png");

  private static String classpathText(String path) {
    try (InputStream in = ApiDocsResource.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the swagger-ui webjar keeps its files (its version read from the webjar itself). */
  public static String swaggerUiAssets() {
    var props = new Properties();
    try (InputStream in =
        ApiDocsResource.class.getResourceAsStream(
            "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("swagger-ui webjar missing");
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "/META-INF/resources/webjars/swagger-ui/" + props.getProperty("version") + "/";
  }
}
