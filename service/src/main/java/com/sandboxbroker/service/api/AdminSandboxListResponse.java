package com.sandboxbroker.service.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Body of {@code GET /v1/admin/sandboxes} (compat shape: {@code sandboxes}, {@code count}, {@code
 * cursor}).
 */
@Schema(description = "One page of sandboxes. A page is never short while more sandboxes match.")
public record AdminSandboxListResponse(
    List<SandboxResponse> sandboxes,
    @Schema(description = "Number of sandboxes in this page") int count,
    @Schema(
            description =
                "Opaque position after this page; pass it as `cursor` for the next page. null when"
                    + " the listing reached the end.",
            nullable = true)
        String cursor) {}
