package com.sandboxbroker.service.http;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.lang.annotation.Annotation;

/**
 * Hands our response bodies to the JSON writer without the resource method's annotations.
 *
 * <p>Jersey passes a resource method's annotations to the entity writer, and Jackson's JAX-RS
 * provider hashes all of them on every response to find its cached writer (its {@code
 * AnnotationBundleKey}). Our resource methods carry the whole OpenAPI description
 * ({@code @Operation}, six {@code @ApiResponse}s with nested {@code @Content}/{@code @Schema}), so
 * that hash walked dozens of annotation members per request: 4 % of the service's CPU per
 * allocation in a JFR profile of a class start. None of those annotations is one the writer acts on
 * (no {@code @JsonView}, no Jackson annotations on resource methods), so the body is the same
 * without them.
 */
@Priority(Priorities.ENTITY_CODER)
public final class EntityAnnotationsInterceptor implements WriterInterceptor {
  private static final Annotation[] NONE = new Annotation[0];

  /** The contract's response records; other entities (docs, assets) keep their annotations. */
  private static final String API_PACKAGE = "com.sandboxbroker.service.api";

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    if (context.getType() != null && API_PACKAGE.equals(context.getType().getPackageName())) {
      context.setAnnotations(NONE);
    }
    context.proceed();
  }
}
