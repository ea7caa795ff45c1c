package com.sandboxbroker.service.api;

import java.util.List;

/** {@code GET /v1/admin/jobs}. */
public record JobsResponse(List<JobStatusResponse> jobs) {}
