package com.sandboxbroker.service.api;

/** {@code POST /v1/admin/jobs/{job}/pause|resume}. */
public record JobPauseResponse(String job, boolean paused) {}
