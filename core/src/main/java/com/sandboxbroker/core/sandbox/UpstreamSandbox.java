package com.sandboxbroker.core.sandbox;

import java.util.Objects;

/** A sandbox account as the upstream provider lists it. */
public record UpstreamSandbox(
    String sandboxId, String name, String externalId, String sfdcAccountId) {
  public UpstreamSandbox {
    Objects.requireNonNull(sandboxId, "sandboxId");
    name = name == null ? "" : name;
    externalId = externalId == null ? "" : externalId;
    sfdcAccountId = sfdcAccountId == null ? "" : sfdcAccountId;
  }
}
