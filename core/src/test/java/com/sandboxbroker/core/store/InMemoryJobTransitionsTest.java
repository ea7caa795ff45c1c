package com.sandboxbroker.core.store;

class InMemoryJobTransitionsTest extends JobTransitionsContract {
  @Override
  protected SandboxStore newStore() {
    return new InMemorySandboxStore();
  }
}
