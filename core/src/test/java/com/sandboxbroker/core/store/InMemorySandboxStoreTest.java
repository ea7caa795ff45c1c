package com.sandboxbroker.core.store;

class InMemorySandboxStoreTest extends SandboxStoreContract {
  @Override
  protected SandboxStore newStore() {
    return new InMemorySandboxStore();
  }
}
