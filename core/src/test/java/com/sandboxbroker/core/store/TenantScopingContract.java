package com.sandboxbroker.core.store;

import static com.sandboxbroker.core.testing.LeaseFixture.aLease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sandboxbroker.core.allocation.AllocationListener;
import com.sandboxbroker.core.allocation.AllocationPolicy;
import com.sandboxbroker.core.allocation.AllocationRequest;
import com.sandboxbroker.core.allocation.Allocator;
import com.sandboxbroker.core.sandbox.Allocation;
import com.sandboxbroker.core.sandbox.IdentityLimitReachedException;
import com.sandboxbroker.core.sandbox.Lease;
import com.sandboxbroker.core.sandbox.NotSandboxOwnerException;
import com.sandboxbroker.core.sandbox.Sandbox;
import com.sandboxbroker.core.sandbox.SandboxNotFoundException;
import com.sandboxbroker.core.sandbox.SandboxStatus;
import com.sandboxbroker.core.sandbox.UpstreamSandbox;
import com.sandboxbroker.core.tenant.Tenant;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract §6 at the store and allocator: the tenant is part of the lease key, the idempotency key,
 * the cap and every owner check. Run against the in-memory fake and DynamoDB Local.
 */
public abstract class TenantScopingContract {
  private static final long NOW = 1_800_000_000L;

  protected SandboxStore store;
  private Allocator allocator;

  protected abstract SandboxStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
    for (int i = 0; i < 8; i++) {
      store.insertSandbox(
          Sandbox.available(
              new UpstreamSandbox("t" + i, "lab-t-" + i, "identity/accounts/u" + i, ""), NOW));
    }
    AllocationListener quiet = new AllocationListener() {};
    allocator =
        new Allocator(
            store,
            AllocationPolicy.defaults(),
            Clock.systemUTC(),
            () -> UUID.randomUUID().toString(),
            quiet);
  }

  private static AllocationRequest request(String tenant, String identity, String key) {
    return new AllocationRequest(
        identity, key, "", "", Optional.empty(), tenant, OptionalInt.empty());
  }

  @Test
  void theSameIdentityUnderTwoTenantsIsTwoLearners() {
    Allocation a = allocator.allocate(request("adventure", "shared", "shared"));
    Allocation b = allocator.allocate(request("other", "shared", "shared"));
    Allocation d = allocator.allocate(request("default", "shared", "shared"));
    assertThat(a.created()).isTrue();
    assertThat(b.created()).isTrue();
    assertThat(d.created()).isTrue();
    assertThat(Set.of(a.sandboxId(), b.sandboxId(), d.sandboxId())).hasSize(3);

    // each tenant's replay finds its own
    assertThat(allocator.allocate(request("adventure", "shared", "shared")).sandboxId())
        .isEqualTo(a.sandboxId());
    assertThat(allocator.allocate(request("other", "shared", "shared")).sandboxId())
        .isEqualTo(b.sandboxId());
    assertThat(
            allocator
                .allocate(new AllocationRequest("shared", "shared", "", "", Optional.empty()))
                .sandboxId())
        .isEqualTo(d.sandboxId());

    Sandbox stored = store.findSandbox(a.sandboxId()).orElseThrow();
    assertThat(stored.tenant()).isEqualTo("adventure");
    assertThat(stored.allocatedTo()).isEqualTo("shared");
    assertThat(store.findLease("adventure", "shared", 0).orElseThrow().sandboxId())
        .isEqualTo(a.sandboxId());
    assertThat(store.findLease("shared", 0).orElseThrow().sandboxId()).isEqualTo(d.sandboxId());
  }

  @Test
  void anotherTenantNeitherSeesNorReleasesTheSandbox() {
    Allocation a = allocator.allocate(request("adventure", "shared", "shared"));
    assertThatThrownBy(() -> allocator.ownerView(a.sandboxId(), "other", "shared"))
        .isInstanceOf(SandboxNotFoundException.class);
    assertThatThrownBy(() -> allocator.ownerView(a.sandboxId(), Tenant.DEFAULT, "shared"))
        .isInstanceOf(SandboxNotFoundException.class);
    assertThatThrownBy(() -> allocator.markForDeletion(a.sandboxId(), "other", "shared"))
        .isInstanceOf(SandboxNotFoundException.class);
    assertThat(store.markForDeletion(a.sandboxId(), "other", "shared", NOW).applied()).isFalse();
    assertThat(store.markForDeletion(a.sandboxId(), "shared", NOW).applied()).isFalse();
    assertThat(store.findSandbox(a.sandboxId()).orElseThrow().status())
        .isEqualTo(SandboxStatus.ALLOCATED);
    // within the tenant, another identity stays "not yours"
    assertThatThrownBy(() -> allocator.ownerView(a.sandboxId(), "adventure", "someone"))
        .isInstanceOf(NotSandboxOwnerException.class);

    assertThat(allocator.ownerView(a.sandboxId(), "adventure", "shared").sandboxId())
        .isEqualTo(a.sandboxId());
    assertThat(allocator.markForDeletion(a.sandboxId(), "adventure", "shared").status())
        .isEqualTo(SandboxStatus.PENDING_DELETION);
  }

  @Test
  void theCapAndTheKeysCountPerTenant() {
    allocator.allocate(request("adventure", "capped", "k1"));
    assertThatThrownBy(() -> allocator.allocate(request("adventure", "capped", "k2")))
        .isInstanceOf(IdentityLimitReachedException.class);
    // another tenant's same identity and key is a fresh allocation
    assertThat(allocator.allocate(request("other", "capped", "k2")).created()).isTrue();
    // a token's own cap applies to its requests
    AllocationRequest twoAllowed =
        new AllocationRequest(
            "capped", "k2", "", "", Optional.empty(), "adventure", OptionalInt.of(2));
    assertThat(allocator.allocate(twoAllowed).created()).isTrue();
    assertThat(store.findLease("adventure", "capped", 1)).isPresent();
  }

  @Test
  void aLeaseAndASandboxFromBeforeTenantsAreTheDefaultTenants() {
    Sandbox s = store.findSandbox("t7").orElseThrow();
    // written the way the broker wrote them before tenants: no tenant anywhere
    Lease old =
        aLease("legacy")
            .withId("L-old")
            .naming(s)
            .from(NOW)
            .until(Long.MAX_VALUE / 2)
            .writtenAt(System.currentTimeMillis())
            .build();
    assertThat(store.putLease(old, NOW).written()).isTrue();
    assertThat(store.claim(old).applied()).isTrue();
    assertThat(store.findSandbox("t7").orElseThrow().tenant()).isEqualTo("default");

    Allocation replay =
        allocator.allocate(new AllocationRequest("legacy", "legacy", "", "", Optional.empty()));
    assertThat(replay.created()).isFalse();
    assertThat(replay.sandboxId()).isEqualTo("t7");
    assertThatThrownBy(() -> allocator.ownerView("t7", "other", "legacy"))
        .isInstanceOf(SandboxNotFoundException.class);
    assertThat(allocator.markForDeletion("t7", "default", "legacy").status())
        .isEqualTo(SandboxStatus.PENDING_DELETION);
  }
}
