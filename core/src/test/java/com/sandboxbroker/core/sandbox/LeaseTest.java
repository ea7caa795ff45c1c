package com.sandboxbroker.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.tenant.Tenant;
import org.junit.jupiter.api.Test;

/** The lease's builder and transitions: each changes what it names and keeps every other value. */
class LeaseTest {
  /** Every field set to a value distinct from the builder's default and from each other. */
  private static final Lease FULL =
      Lease.builder()
          .identity("ann")
          .slot(2)
          .idempotencyKey("k1")
          .leaseId("L1")
          .sandboxId("s1")
          .name("lab-1")
          .externalId("identity/accounts/u1")
          .sfdcAccountId("sf1")
          .trackName("dns")
          .namePrefix("lab-")
          .allocatedAt(100)
          .expiresAt(3700)
          .createdAtMillis(100_500)
          .tenant("acme")
          .build();

  @Test
  void theBuilderSetsEachFieldByNameAndToBuilderCopiesThemAll() {
    assertThat(FULL)
        .extracting(
            Lease::identity,
            Lease::slot,
            Lease::idempotencyKey,
            Lease::leaseId,
            Lease::sandboxId,
            Lease::name,
            Lease::externalId,
            Lease::sfdcAccountId,
            Lease::trackName,
            Lease::namePrefix,
            Lease::allocatedAt,
            Lease::expiresAt,
            Lease::createdAtMillis,
            Lease::tenant)
        .containsExactly(
            "ann",
            2,
            "k1",
            "L1",
            "s1",
            "lab-1",
            "identity/accounts/u1",
            "sf1",
            "dns",
            "lab-",
            100L,
            3700L,
            100_500L,
            "acme");
    assertThat(FULL.toBuilder().build()).isEqualTo(FULL);
  }

  @Test
  void anUnsetTenantIsTheDefaultTenantsAsTheCanonicalConstructorReadsIt() {
    assertThat(Lease.builder().build().tenant()).isEqualTo(Tenant.DEFAULT);
    assertThat(FULL.toBuilder().tenant(null).build().tenant()).isEqualTo(Tenant.DEFAULT);
  }

  @Test
  void withCandidateChangesOnlyTheNamedSandbox() {
    Sandbox next =
        Sandbox.builder("s2")
            .name("lab-2")
            .externalId("identity/accounts/u2")
            .sfdcAccountId("sf2")
            .allocatedTo("someone-else")
            .trackName("other-lab")
            .build();
    assertThat(FULL.withCandidate(next))
        .isEqualTo(
            FULL.toBuilder()
                .sandboxId("s2")
                .name("lab-2")
                .externalId("identity/accounts/u2")
                .sfdcAccountId("sf2")
                .build());
  }

  @Test
  void restampedAtAndExtendedToChangeOnlyTheirOneValue() {
    assertThat(FULL.restampedAt(200_000))
        .isEqualTo(FULL.toBuilder().createdAtMillis(200_000).build())
        .isNotEqualTo(FULL);
    assertThat(FULL.extendedTo(7300))
        .isEqualTo(FULL.toBuilder().expiresAt(7300).build())
        .isNotEqualTo(FULL);
  }
}
