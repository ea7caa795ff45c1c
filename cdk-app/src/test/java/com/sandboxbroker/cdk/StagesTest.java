package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The typed stage map, previews' lifetimes and the settings' validation. */
class StagesTest {
  @Test
  void theMapHoldsDevTestProdEachInItsOwnAccount() {
    assertThat(Stages.ALL.keySet()).containsExactly("dev", "test", "prod");
    assertThat(Stages.ALL.values().stream().map(StageSettings::account).distinct()).hasSize(3);
    assertThat(Stages.resolve("prod", false)).isSameAs(Stages.PROD);
    // prod is the sizing DEPLOY.md prices; dev the cheapest that runs everything
    assertThat(Stages.PROD.api()).isEqualTo(BrokerSettings.ApiSizing.DEFAULT);
    assertThat(Stages.DEV.natGateways()).isZero();
  }

  @Test
  void aNameOutsideTheMapIsRefusedUnlessItIsAPreviewAndAPreviewMayNotTakeAMapName() {
    assertThatThrownBy(() -> Stages.resolve("staging", false))
        .hasMessageContaining("unknown stage 'staging'");
    assertThatThrownBy(() -> Stages.resolve("dev", true)).hasMessageContaining("long-lived stage");
    StageSettings preview = Stages.resolve("pr42", true);
    assertThat(preview.account()).isEqualTo(Stages.DEV.account());
    assertThat(preview.api().maxTasks()).isEqualTo(1);
    assertThat(preview.natGateways()).isZero();
  }

  @Test
  void aPreviewIsWarnedAnHourBeforeItsDeadlineAndLivesBetweenTwoHoursAndThirtyDays() {
    DeliverySettings.Preview p =
        DeliverySettings.Preview.after(Instant.parse("2026-11-29T20:00:30Z"), 24);
    assertThat(p.deleteAt()).isEqualTo(Instant.parse("2026-11-30T20:01:00Z"));
    assertThat(p.warnAt()).isEqualTo(p.deleteAt().minus(Duration.ofHours(1)));
    assertThatThrownBy(() -> DeliverySettings.Preview.after(Instant.now(), 1))
        .hasMessageContaining("between 2 and");
    assertThatThrownBy(() -> DeliverySettings.Preview.after(Instant.now(), 721))
        .hasMessageContaining("between 2 and");
  }

  @Test
  void certificateArnsAreCheckedWhenTheSettingsAreBuilt() {
    Path root = Path.of(".");
    assertThatThrownBy(
            () ->
                BrokerSettings.defaults(
                    "dev", "t", "arn:aws:acm:eu-west-1:123:certificate/x", root))
        .hasMessageContaining("ACM certificate ARN");
    assertThatThrownBy(() -> BrokerSettings.defaults("dev", "t", "not-an-arn", root))
        .hasMessageContaining("ACM certificate ARN");
    // null: TLS from a hosted zone or API Gateway
    assertThat(BrokerSettings.defaults("dev", "t", null, root).certificateArn()).isNull();
    assertThat(
            BrokerSettings.defaults("dev", "t", DeliveryTemplateTest.REAL_CERT, root)
                .certificateArn())
        .isEqualTo(DeliveryTemplateTest.REAL_CERT);
  }

  @Test
  void domainsAndDigestsAreValidated() {
    assertThatThrownBy(
            () -> new DomainSettings("Z0123456789ABCDEFGHIJ", "example.org", "api.example.com"))
        .hasMessageContaining("not inside the zone");
    assertThatThrownBy(() -> new DomainSettings("not-a-zone", "example.org", "api.example.org"))
        .hasMessageContaining("zone id");
    assertThat(
            new DomainSettings("Z0123456789ABCDEFGHIJ", "example.org.", "api.example.org.")
                .hostName())
        .isEqualTo("api.example.org");
    assertThatThrownBy(
            () -> new DeliverySettings.ImageDigests("1", "r", "sha256:abc", "sha256:abc"))
        .hasMessageContaining("sha256:<64 hex>");
    assertThatThrownBy(() -> DeliverySettings.Ingress.parse("nlb"))
        .hasMessageContaining("alb or apigateway");
  }
}
