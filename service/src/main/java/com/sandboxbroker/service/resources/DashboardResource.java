package com.sandboxbroker.service.resources;

import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The operators' dashboard: a static page and its script and style, served from the jar so that no
 * build server or CDN is needed at run time. The page itself needs no token (it holds no data); it
 * asks the operator for an admin token and calls the admin API with it, so every number it shows
 * went through the same authorization as a curl call would.
 */
@Path("admin/dashboard")
public final class DashboardResource {
  /** The only files served: a fixed list, so no request path ever reaches the class loader. */
  private static final Map<String, String> ASSETS =
      Map.of(
          "dashboard.js", "text/javascript; charset=utf-8",
          "dashboard.css", "text/css; charset=utf-8");

  private final Map<String, byte[]> content;

  public DashboardResource() {
    // read once at start-up: a missing asset fails the deployment, not an operator's page load
    this.content =
        Map.of(
            "index.html", read("index.html"),
            "dashboard.js", read("dashboard.js"),
            "dashboard.css", read("dashboard.css"));
  }

  @GET
  public Response page(@Context UriInfo uri) {
    // the page links its assets relatively ("dashboard/…"); with a trailing slash they would miss
    if (uri.getPath().endsWith("/")) {
      return Response.status(308)
          .location(uri.getBaseUriBuilder().path("admin/dashboard").build())
          .build();
    }
    return Response.ok(content.get("index.html"), "text/html; charset=utf-8").build();
  }

  @GET
  @Path("{file}")
  public Response asset(@PathParam("file") String file) {
    String type = ASSETS.get(file);
    if (type == null) {
      throw new ApiException(ErrorCode.NOT_FOUND, "No such dashboard file");
    }
    return Response.ok(content.get(file), type).build();
  }

  private static byte[] read(String name) {
    try (InputStream in = DashboardResource.class.getResourceAsStream("/dashboard/" + name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard asset missing from the jar: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
