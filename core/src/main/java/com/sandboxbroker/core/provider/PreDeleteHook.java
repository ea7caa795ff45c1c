package com.sandboxbroker.core.provider;

import com.sandboxbroker.core.sandbox.Sandbox;

/**
 * Work done inside a sandbox account before it is deleted (NIOSXaaS universal services). It never
 * blocks the deletion: implementations report failures as an outcome instead of throwing.
 */
public interface PreDeleteHook {
  PreDeleteOutcome beforeDelete(Sandbox sandbox);
}
