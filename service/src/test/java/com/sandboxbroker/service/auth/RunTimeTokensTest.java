package com.sandboxbroker.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sandboxbroker.core.store.dynamodb.DynamoDbTokenStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.testing.LocalDynamo;
import com.sandboxbroker.core.token.TrackToken;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-task token cache on DynamoDB Local, with Caffeine's clock driven by the test: at the
 * default (and largest allowed) TTL of 30 s a revoked token is refused 30 s after the task last
 * read it, so every task refuses it within the contract's 60 s of the revocation.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RunTimeTokensTest {
  private static LocalDynamo dynamo;
  private static DynamoDbTokenStore store;

  @BeforeAll
  static void start() {
    dynamo = LocalDynamo.start();
    String table = LocalDynamo.uniqueTableName();
    new SandboxTable(dynamo.client(), table).createIfMissing();
    store = new DynamoDbTokenStore(dynamo.client(), table);
  }

  @AfterAll
  static void stop() {
    dynamo.close();
  }

  private static TrackToken token(String id) {
    long now = System.currentTimeMillis() / 1000;
    return new TrackToken(
        id, "acme", "acme-1", List.of("lab-a-"), "lab-a-", "a", 8, 24, 2, now, "ops", 0, 0, "", 0);
  }

  @Test
  void aRevocationIsSeenOnceTheDefaultTtlHasPassedAndNotLater() {
    AtomicLong nanos = new AtomicLong();
    RunTimeTokens tokens =
        new RunTimeTokens(store, Clock.systemUTC(), RunTimeTokens.MAX_CACHE_TTL, nanos::get);
    assertThat(store.create(RunTimeTokens.hashOf("secret-1"), token("tok_1"))).isTrue();

    Caller caller = tokens.authenticate("secret-1").orElseThrow();
    assertThat(caller.tenant()).isEqualTo("acme");
    assertThat(caller.name()).isEqualTo("acme-1");
    assertThat(caller.identityCap()).hasValue(2);
    assertThat(caller.leaseOverride()).contains(Duration.ofHours(8));
    assertThat(caller.maxLease()).contains(Duration.ofHours(24));
    assertThat(caller.defaultPrefix()).contains("lab-a-");

    assertThat(store.revoke("tok_1", "ops", System.currentTimeMillis() / 1000)).isPresent();
    nanos.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(tokens.authenticate("secret-1")).as("still cached at 29 s").isPresent();
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(tokens.authenticate("secret-1")).as("refused at 30 s").isEmpty();
    assertThat(tokens.authenticate("unknown")).isEmpty();
  }

  @Test
  void aTtlAboveThirtySecondsIsRefused() {
    assertThatThrownBy(
            () -> new RunTimeTokens(store, Clock.systemUTC(), Duration.ofSeconds(31), () -> 0L))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RunTimeTokens.MAX_CACHE_TTL.multipliedBy(2))
        .isLessThanOrEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void useIsRecordedAtMostOncePerIntervalAndRevocationIsIdempotent() {
    AtomicLong nanos = new AtomicLong();
    RunTimeTokens tokens =
        new RunTimeTokens(store, Clock.systemUTC(), Duration.ofSeconds(1), nanos::get);
    assertThat(store.create(RunTimeTokens.hashOf("secret-2"), token("tok_2"))).isTrue();
    assertThat(store.create(RunTimeTokens.hashOf("secret-2"), token("tok_other"))).isFalse();
    tokens.authenticate("secret-2");
    long used = store.findByHash(RunTimeTokens.hashOf("secret-2")).orElseThrow().lastUsedAt();
    assertThat(used).isPositive();

    TrackToken first = store.revoke("tok_2", "alice", 100).orElseThrow();
    TrackToken again = store.revoke("tok_2", "bob", 200).orElseThrow();
    assertThat(first.revokedAt()).isEqualTo(100);
    assertThat(again.revokedAt()).isEqualTo(100);
    assertThat(again.revokedBy()).isEqualTo("alice");
    assertThat(store.revoke("tok_none", "alice", 100)).isEmpty();
    assertThat(store.list())
        .extracting(TrackToken::tokenId)
        .contains("tok_2")
        .doesNotContain("tok_other");
  }
}
