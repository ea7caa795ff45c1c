package com.sandboxbroker.service.auth;

import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import io.dropwizard.auth.AuthFilter;
import io.dropwizard.auth.Authorizer;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer authentication for every route under the base path (where Jersey is mounted), run
 * <em>before</em> route matching so that authentication is decided before anything else about the
 * request (an unknown path or a wrong method with a bad token is a 401, not a 404/405). Role checks
 * follow via {@code @RolesAllowed}. Built on dropwizard-auth's {@link AuthFilter}, which installs
 * the security context.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class BearerAuthFilter extends AuthFilter<String, Caller> {
  private static final String SCHEME = "Bearer";

  private final Set<String> publicPaths;

  /**
   * @param publicPaths paths relative to the base path that need no token (the API docs)
   */
  public BearerAuthFilter(TokenRegistry tokens, Set<String> publicPaths) {
    this.authenticator = tokens::authenticate;
    this.authorizer =
        (Authorizer<Caller>) (caller, role, context) -> caller.role().name().equals(role);
    this.prefix = SCHEME;
    this.realm = "sandbox-broker";
    this.publicPaths = Set.copyOf(publicPaths);
  }

  @Override
  public void filter(ContainerRequestContext request) {
    // Jersey is mounted at the base path, so every route it serves is an API route.
    if (isPublic(request.getUriInfo().getPath())) {
      return;
    }
    String token =
        credentials(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.UNAUTHORIZED,
                        "Missing or malformed Authorization header; expected 'Bearer <token>'"));
    if (!authenticate(request, token, SCHEME)) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "Invalid token");
    }
  }

  private boolean isPublic(String path) {
    return publicPaths.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
  }

  /** The token of an {@code Authorization: Bearer <token>} header; empty when malformed. */
  public static Optional<String> credentials(String header) {
    if (header == null) {
      return Optional.empty();
    }
    int space = header.indexOf(' ');
    if (space <= 0 || !header.substring(0, space).equalsIgnoreCase(SCHEME)) {
      return Optional.empty();
    }
    String token = header.substring(space + 1).trim();
    return token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c == 0x7f)
        ? Optional.empty()
        : Optional.of(token);
  }
}
