package com.sandboxbroker.core.store;

class InMemoryTenantScopingTest extends TenantScopingContract {
  @Override
  protected SandboxStore newStore() {
    return new InMemorySandboxStore();
  }
}
