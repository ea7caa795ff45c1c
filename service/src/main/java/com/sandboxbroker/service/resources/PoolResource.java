package com.sandboxbroker.service.resources;

import com.sandboxbroker.core.pool.PoolStore;
import com.sandboxbroker.service.api.PoolsResponse;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.observability.ApiAction;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /v1/admin/pools} (contract §9): each pool's exact counts, read by key, never a Scan.
 */
@Path("/admin/pools")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.ADMIN)
@Tag(name = "admin", description = "Operator endpoints (admin token)")
public final class PoolResource {
  private final PoolStore pools;

  public PoolResource(PoolStore pools) {
    this.pools = pools;
  }

  @GET
  @ApiAction("admin_pools")
  @Operation(
      summary = "Pools and their counts",
      description =
          "Every known pool (configured, or derived from sandbox names when sync added them) with"
              + " exact counts by status, counted now by key queries on the pool index (a few"
              + " hundred milliseconds behind the latest write at most). `/v1/admin/stats` is their"
              + " sum. A pool whose `available` is below its `low_water` is low: its CloudWatch"
              + " alarm fires and the service records a `pool.low` event.")
  @ApiResponse(
      responseCode = "200",
      description = "The pools, sorted by name",
      content = @Content(schema = @Schema(implementation = PoolsResponse.class)))
  public PoolsResponse pools() {
    return PoolsResponse.from(pools.countPools());
  }
}
