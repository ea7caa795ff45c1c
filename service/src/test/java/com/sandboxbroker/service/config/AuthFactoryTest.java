package com.sandboxbroker.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.config.AuthFactory.GeneratedTokens;
import com.sandboxbroker.service.testing.TestBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where tokens come from: the earlier broker's variables, config, or (local only) generation. */
class AuthFactoryTest {

  @Test
  void readsCommaSeparatedTokensFromTheEarlierBrokersVariables() {
    List<GeneratedTokens> generated = new ArrayList<>();
    var registry =
        new AuthFactory()
            .build(
                Map.of("BROKER_API_TOKEN", "t-one, t-two", "BROKER_ADMIN_TOKEN", "a-one"),
                true,
                generated);
    assertThat(generated).isEmpty();
    assertThat(registry.authenticate("t-one").map(Caller::role)).contains(Caller.Role.TRACK);
    assertThat(registry.authenticate("t-two").map(Caller::role)).contains(Caller.Role.TRACK);
    assertThat(registry.authenticate("a-one").map(Caller::role)).contains(Caller.Role.ADMIN);
    assertThat(registry.authenticate("t-three")).isEmpty();
    assertThat(registry.authenticate("")).isEmpty();
  }

  @Test
  void localModeGeneratesDistinctRandomTokensWhenNoneAreGiven() {
    List<GeneratedTokens> first = new ArrayList<>();
    List<GeneratedTokens> second = new ArrayList<>();
    var registry = new AuthFactory().build(Map.of(), true, first);
    new AuthFactory().build(Map.of(), true, second);

    assertThat(first).hasSize(1);
    GeneratedTokens t = first.get(0);
    assertThat(t.track()).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(t.admin());
    assertThat(second.get(0).track()).isNotEqualTo(t.track());
    assertThat(registry.authenticate(t.track()).map(Caller::role)).contains(Caller.Role.TRACK);
    assertThat(registry.authenticate(t.admin()).map(Caller::role)).contains(Caller.Role.ADMIN);
  }

  @Test
  void aDeployedServiceWithoutTokensRefusesToStart() {
    assertThatThrownBy(() -> new AuthFactory().build(Map.of(), false, new ArrayList<>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("BROKER_API_TOKEN");
  }

  @Test
  void adminEntriesMayBeNamedAndTheNameIsWhatTheCallerCarries() {
    String hashed = "sha256:" + TestBroker.sha256Hex("hashed-secret");
    var registry =
        new AuthFactory()
            .build(
                Map.of(
                    "BROKER_API_TOKEN",
                    "t-one",
                    "BROKER_ADMIN_TOKEN",
                    "ops-alice=alice-secret, ops.bob="
                        + hashed
                        + ", bare-token, padded==, dGVzdDE="),
                false,
                new ArrayList<>());
    assertThat(registry.authenticate("alice-secret").map(Caller::name)).contains("ops-alice");
    assertThat(registry.authenticate("hashed-secret").map(Caller::name)).contains("ops.bob");
    assertThat(registry.authenticate("bare-token").map(Caller::name)).contains("admin-3");
    // base64 padding is not a name separator
    assertThat(registry.authenticate("padded==").map(Caller::name)).contains("admin-4");
    assertThat(registry.authenticate("dGVzdDE=").map(Caller::name)).contains("admin-5");
    assertThat(registry.authenticate("ops-alice=alice-secret")).isEmpty();
    assertThat(registry.authenticate("t-one").map(Caller::tenant)).contains("default");
  }
}
