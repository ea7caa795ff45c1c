package com.sandboxbroker.core.provider;

import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import java.util.List;

/**
 * The upstream provider of sandbox accounts (Infoblox CSP in production). Failures are {@link
 * UpstreamException}s: {@link UpstreamUnavailableException} (transient), {@link
 * UpstreamRateLimitedException} (429 with its {@code Retry-After}), {@link
 * UpstreamRejectedException}.
 */
public interface SandboxProvider {

  /** Every active sandbox account upstream, all pages read. */
  List<UpstreamSandbox> listSandboxes();

  /** Deletes the account upstream; returns normally when it is gone (including "already gone"). */
  void deleteSandbox(Sandbox sandbox);
}
