package com.sandboxbroker.service.resources;

import com.sandboxbroker.core.token.TokenStore;
import com.sandboxbroker.core.token.TrackToken;
import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.api.IssueTokenRequest;
import com.sandboxbroker.service.api.IssuedTokenResponse;
import com.sandboxbroker.service.api.TokenListResponse;
import com.sandboxbroker.service.api.TokenResponse;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.auth.RunTimeTokens;
import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.observability.ApiAction;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run-time track tokens (contract §6): issue, list, revoke, with no restart and no deployment. The
 * secret exists in one place only, the 201 answer to its issue; the table keeps its SHA-256 as the
 * record's key. Issue and revocation are recorded on the record (and logged) with the admin token's
 * name.
 */
@Path("/admin/tokens")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.ADMIN)
@Tag(name = "admin", description = "Operator endpoints (admin token)")
public final class TokenResource {
  private static final Logger LOG = LoggerFactory.getLogger(TokenResource.class);
  private static final Pattern TOKEN_ID = Pattern.compile("tok_[0-9a-f]{20}");

  /** Secrets start with it so secret scanners (and people) recognise a leaked one. */
  static final String SECRET_PREFIX = "sbk_";

  private final TokenStore store;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public TokenResource(TokenStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @POST
  @ApiAction("admin_issue_token")
  @Operation(
      summary = "Issue a track token",
      description =
          "Creates a track token of a tenant, optionally bound to name prefixes, a lab and its own"
              + " lease, extension bound and identity cap. The answer is the only place the secret"
              + " ever appears: the table stores its SHA-256, and no listing, log or error shows it."
              + " The token works at once on every task. Identities of one tenant are one namespace"
              + " for all its tokens (rotate by issuing a second token, then revoking the first).",
      requestBody =
          @RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = IssueTokenRequest.class))))
  @ApiResponse(
      responseCode = "201",
      description = "Issued; `token` is the secret, shown this once",
      content = @Content(schema = @Schema(implementation = IssuedTokenResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description =
          "INVALID_TOKEN_SPEC: the message names the field (wrong type, out of range, unknown field, too long); nothing was written",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "413",
      description = "PAYLOAD_TOO_LARGE: a body over 16 KiB",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public Response issue(@Context SecurityContext security, String body) {
    long now = clock.instant().getEpochSecond();
    IssueTokenRequest spec = IssueTokenRequest.parse(body, now);
    String admin = security.getUserPrincipal().getName();
    for (int attempt = 0; ; attempt++) {
      String secret =
          SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
      TrackToken token =
          new TrackToken(
              "tok_" + HexFormat.of().formatHex(bytes(10)),
              spec.tenant(),
              spec.name(),
              spec.allowedPrefixes(),
              spec.defaultPrefix(),
              spec.lab(),
              orZero(spec.leaseHours()),
              orZero(spec.maxLeaseHours()),
              orZero(spec.identityCap()),
              now,
              admin,
              spec.expiresAt() == null ? 0 : spec.expiresAt(),
              0,
              "",
              0);
      // 256 random bits never collide in practice; the conditional write makes sure of it
      if (store.create(RunTimeTokens.hashOf(secret), token)) {
        LOG.info("admin {} issued token {} of tenant {}", admin, token.tokenId(), token.tenant());
        return Response.status(201).entity(IssuedTokenResponse.from(token, secret)).build();
      }
      if (attempt == 2) {
        throw new IllegalStateException("could not store a new token");
      }
    }
  }

  @GET
  @ApiAction("admin_list_tokens")
  @Operation(
      summary = "List track tokens",
      description =
          "Every run-time token, revoked ones included, oldest first. Never the secret or its hash.")
  @ApiResponse(
      responseCode = "200",
      description = "The records",
      content = @Content(schema = @Schema(implementation = TokenListResponse.class)))
  public TokenListResponse list() {
    return new TokenListResponse(store.list().stream().map(TokenResponse::from).toList());
  }

  @DELETE
  @Path("/{tokenId}")
  @ApiAction("admin_revoke_token")
  @Operation(
      summary = "Revoke a track token",
      description =
          "Sets `revoked_at` (idempotent: a repeat keeps the first revocation and answers 200)."
              + " Within 60 s every service task answers the token with 401; allocations it made"
              + " stay with their identities (another token of the tenant still reaches them).")
  @ApiResponse(
      responseCode = "200",
      description = "The record, revoked",
      content = @Content(schema = @Schema(implementation = TokenResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "TOKEN_NOT_FOUND",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public TokenResponse revoke(
      @Context SecurityContext security, @PathParam("tokenId") String tokenId) {
    if (tokenId == null || !TOKEN_ID.matcher(tokenId).matches()) {
      throw notFound();
    }
    String admin = security.getUserPrincipal().getName();
    TrackToken revoked =
        store
            .revoke(tokenId, admin, clock.instant().getEpochSecond())
            .orElseThrow(TokenResource::notFound);
    LOG.info("admin {} revoked token {} of tenant {}", admin, revoked.tokenId(), revoked.tenant());
    return TokenResponse.from(revoked);
  }

  private static ApiException notFound() {
    return new ApiException(ErrorCode.TOKEN_NOT_FOUND, "No token with this id");
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
