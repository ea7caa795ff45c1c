package com.sandboxbroker.service.api;

import java.util.List;

/** {@code GET /v1/admin/tokens}: every record, revoked ones included, oldest first. */
public record TokenListResponse(List<TokenResponse> tokens) {}
