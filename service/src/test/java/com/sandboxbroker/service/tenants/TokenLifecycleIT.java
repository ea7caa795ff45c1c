package com.sandboxbroker.service.tenants;

import static com.sandboxbroker.service.tenants.TokenApi.error;
import static com.sandboxbroker.service.tenants.TokenApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.sandboxbroker.service.testing.TestBroker;
import io.dropwizard.testing.ConfigOverride;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Token records over HTTP on DynamoDB Local: issue, list and revoke; revocation reaching two
 * service instances that share one table; the secret appearing in the issue answer and nowhere
 * else; every bad field refused by name with nothing written.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TokenLifecycleIT {
  /** Shortened from the default 30 s so the test does not wait; the bound is asserted below. */
  private static final int CACHE_SECONDS = 2;

  private static TestBroker broker;
  private static TokenApi api;

  @BeforeAll
  static void start() {
    broker =
        TestBroker.start(
            ConfigOverride.config("auth.tokenCacheSeconds", Integer.toString(CACHE_SECONDS)));
    broker.seed("lab-life-", 10);
    api = new TokenApi(broker);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void aRevokedTokenIsRefusedOnEveryInstanceWithinTheCacheTtl() throws Exception {
    try (TestBroker second =
        TestBroker.startSharing(
            broker,
            ConfigOverride.config("auth.tokenCacheSeconds", Integer.toString(CACHE_SECONDS)))) {
      TokenApi other = new TokenApi(second);
      JsonNode issued = api.issue("{\"tenant\":\"revoked\"}");
      String token = issued.get("token").asText();
      // both instances have read (and cached) the live token
      HttpResponse<String> alloc = api.allocate(token, "rv-1");
      assertThat(alloc.statusCode()).isEqualTo(201);
      assertThat(other.allocate(token, "rv-1").statusCode()).isEqualTo(200);
      String id = json(alloc).get("sandbox_id").asText();

      long revokedAt = System.nanoTime();
      HttpResponse<String> revoked = api.revoke(issued.get("token_id").asText());
      assertThat(revoked.statusCode()).isEqualTo(200);
      assertThat(json(revoked).get("revoked_at").isNumber()).isTrue();
      assertThat(json(revoked).get("revoked_by").asText()).isEqualTo("admin-1");

      double[] refusedAfter = new double[2];
      List<TokenApi> instances = List.of(api, other);
      for (int i = 0; i < 2; i++) {
        while (true) {
          HttpResponse<String> r = instances.get(i).view(token, "rv-1", id);
          double elapsed = (System.nanoTime() - revokedAt) / 1e9;
          if (r.statusCode() == 401) {
            error(r, 401, "UNAUTHORIZED");
            refusedAfter[i] = elapsed;
            break;
          }
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(elapsed)
              .as("instance %d still accepts a revoked token", i + 1)
              .isLessThan(CACHE_SECONDS + 3.0);
          Thread.sleep(100);
        }
      }
      // the configured TTL plus scheduling slack, far inside the contract's 60 s
      assertThat(refusedAfter[0]).isLessThan(CACHE_SECONDS + 3.0);
      assertThat(refusedAfter[1]).isLessThan(CACHE_SECONDS + 3.0);

      // idempotent: the first revocation stands
      HttpResponse<String> again = api.revoke(issued.get("token_id").asText());
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(json(again).get("revoked_at")).isEqualTo(json(revoked).get("revoked_at"));
      error(api.revoke("tok_00000000000000000000"), 404, "TOKEN_NOT_FOUND");
      error(api.revoke("not-a-token-id"), 404, "TOKEN_NOT_FOUND");
    }
  }

  @Test
  void theCacheTtlCannotExceedHalfTheRevocationBound() {
    assertThatThrownBy(
            () -> TestBroker.start(ConfigOverride.config("auth.tokenCacheSeconds", "31")))
        .hasMessageContaining("did not start");
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    JsonNode issued = api.issue("{\"tenant\":\"expiring\",\"expires_at\":" + (now + 2) + "}");
    String token = issued.get("token").asText();
    assertThat(api.allocate(token, "ex-1").statusCode()).isEqualTo(201);
    Thread.sleep(Math.max(0, (now + 3) * 1000 - System.currentTimeMillis()));
    error(api.allocate(token, "ex-1"), 401, "UNAUTHORIZED");
  }

  @Test
  void theSecretAppearsInTheIssueAnswerAndNowhereElse() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger ours = (Logger) LoggerFactory.getLogger("com.sandboxbroker");
    Level rootLevel = root.getLevel();
    Level ourLevel = ours.getLevel();
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    root.addAppender(events);
    root.setLevel(Level.INFO); // what a deployment logs; our own code at every level
    ours.setLevel(Level.TRACE);
    String secret;
    String tokenId;
    try {
      JsonNode issued =
          api.issue(
              "{\"tenant\":\"secretive\",\"name\":\"secretive-1\",\"allowed_prefixes\":[\"lab-life-\"],\"lab\":\"life\"}");
      secret = issued.get("token").asText();
      tokenId = issued.get("token_id").asText();
      assertThat(secret).startsWith("sbk_").hasSizeGreaterThanOrEqualTo(40);
      // use it every way a track does, including with a wrong lab and a near miss
      HttpResponse<String> alloc =
          broker.send(
              broker
                  .request("/v1/allocate", secret)
                  .header("X-Instruqt-Sandbox-ID", "sec-1")
                  .header("X-Instruqt-Track-ID", "another-lab")
                  .POST(TokenApi.none())
                  .build());
      assertThat(alloc.statusCode()).isEqualTo(201);
      String id = json(alloc).get("sandbox_id").asText();
      api.view(secret, "sec-1", id);
      api.view(secret, "sec-2", id);
      error(api.allocate(secret + "x", "sec-1"), 401, "UNAUTHORIZED");
      api.mark(secret, "sec-1", id);
      HttpResponse<String> list = api.list();
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body())
          .contains(tokenId)
          .doesNotContain(secret)
          .doesNotContain(sha256(secret));
      JsonNode record = null;
      for (JsonNode t : json(list).get("tokens")) {
        if (t.get("token_id").asText().equals(tokenId)) {
          record = t;
        }
      }
      assertThat(record).isNotNull();
      assertThat(record.has("token")).isFalse();
      assertThat(record.get("created_by").asText()).isEqualTo("admin-1");
      assertThat(record.get("tenant").asText()).isEqualTo("secretive");
      HttpResponse<String> revoked = api.revoke(tokenId);
      assertThat(revoked.body()).doesNotContain(secret);
      // refused once this instance's cache (2 s here) has let go; the 401 body must not echo it
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CACHE_SECONDS + 5);
      HttpResponse<String> refused = api.view(secret, "sec-1", id);
      while (refused.statusCode() != 401 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        refused = api.view(secret, "sec-1", id);
      }
      error(refused, 401, "UNAUTHORIZED");
      assertThat(refused.body()).doesNotContain(secret);
    } finally {
      root.detachAppender(events);
      root.setLevel(rootLevel);
      ours.setLevel(ourLevel);
    }
    // logs: every line, its MDC and any stack trace. A background job's append that began before
    // the detach may still be running: copy under the appender's lock, which doAppend holds.
    List<ILoggingEvent> logged;
    synchronized (events) {
      logged = List.copyOf(events.list);
    }
    assertThat(logged).isNotEmpty();
    assertThat(logged)
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("issued token " + tokenId));
    for (ILoggingEvent e : logged) {
      String line =
          e.getFormattedMessage()
              + e.getMDCPropertyMap()
              + (e.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertThat(line).doesNotContain(secret);
    }
    // the table: no attribute of any item holds the secret; the record's key holds its hash
    List<Map<String, AttributeValue>> items = scanAll();
    for (Map<String, AttributeValue> item : items) {
      assertThat(item.toString()).doesNotContain(secret);
    }
    assertThat(items)
        .anySatisfy(
            i -> {
              assertThat(i.get("PK").s()).isEqualTo("TOKENS");
              assertThat(i.get("SK").s()).isEqualTo("HASH#" + sha256(secret));
              assertThat(i.get("token_id").s()).isEqualTo(tokenId);
            });
  }

  @Test
  void everyBadFieldIsRefusedByNameAndNothingIsWritten() {
    long now = System.currentTimeMillis() / 1000;
    String big = "x".repeat(300);
    List<String[]> cases = new ArrayList<>();
    // {body, the field the message must name}
    cases.add(new String[] {"{}", "tenant"});
    cases.add(new String[] {"{\"tenant\":5}", "tenant"});
    cases.add(new String[] {"{\"tenant\":\"Upper\"}", "tenant"});
    cases.add(new String[] {"{\"tenant\":\"\"}", "tenant"});
    cases.add(new String[] {"{\"tenant\":\"" + "a".repeat(65) + "\"}", "tenant"});
    cases.add(new String[] {"{\"tenant\":\"a\",\"tenant\":\"b\"}", "tenant"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"name\":5}", "name"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"name\":\"\"}", "name"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"name\":\"" + "n".repeat(129) + "\"}", "name"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"name\":\"a\\u0001b\"}", "name"});
    cases.add(
        new String[] {"{\"tenant\":\"t\",\"allowed_prefixes\":\"lab-\"}", "allowed_prefixes"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"allowed_prefixes\":[1]}", "allowed_prefixes"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"allowed_prefixes\":[\"\"]}", "allowed_prefixes"});
    cases.add(
        new String[] {
          "{\"tenant\":\"t\",\"allowed_prefixes\":[\"" + big + "\"]}", "allowed_prefixes"
        });
    cases.add(
        new String[] {
          "{\"tenant\":\"t\",\"allowed_prefixes\":" + twentyOne() + "}", "allowed_prefixes"
        });
    cases.add(new String[] {"{\"tenant\":\"t\",\"default_prefix\":7}", "default_prefix"});
    cases.add(
        new String[] {"{\"tenant\":\"t\",\"default_prefix\":\"" + big + "\"}", "default_prefix"});
    cases.add(
        new String[] {
          "{\"tenant\":\"t\",\"allowed_prefixes\":[\"lab-a-\"],\"default_prefix\":\"lab-b-\"}",
          "default_prefix"
        });
    cases.add(
        new String[] {
          "{\"tenant\":\"t\",\"allowed_prefixes\":[\"lab-a-\",\"lab-b-\"]}", "default_prefix"
        });
    cases.add(new String[] {"{\"tenant\":\"t\",\"lab\":true}", "lab"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"lab\":\"" + big + "\"}", "lab"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"lease_hours\":\"8\"}", "lease_hours"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"lease_hours\":8.5}", "lease_hours"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"lease_hours\":0}", "lease_hours"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"lease_hours\":721}", "lease_hours"});
    cases.add(
        new String[] {"{\"tenant\":\"t\",\"lease_hours\":99999999999999999999}", "lease_hours"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"max_lease_hours\":\"x\"}", "max_lease_hours"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"max_lease_hours\":0}", "max_lease_hours"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"max_lease_hours\":721}", "max_lease_hours"});
    cases.add(
        new String[] {
          "{\"tenant\":\"t\",\"lease_hours\":10,\"max_lease_hours\":5}", "max_lease_hours"
        });
    cases.add(new String[] {"{\"tenant\":\"t\",\"identity_cap\":[]}", "identity_cap"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"identity_cap\":0}", "identity_cap"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"identity_cap\":101}", "identity_cap"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"identity_cap\":2147483648}", "identity_cap"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"expires_at\":\"soon\"}", "expires_at"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"expires_at\":1}", "expires_at"});
    cases.add(
        new String[] {
          "{\"tenant\":\"t\",\"expires_at\":" + (now + 11L * 366 * 86400) + "}", "expires_at"
        });
    cases.add(
        new String[] {
          "{\"tenant\":\"t\",\"expires_at\":" + (now + 3600) * 1000 + "}", "expires_at"
        });
    cases.add(new String[] {"{\"tenant\":\"t\",\"tennant\":\"t\"}", "tennant"});
    cases.add(new String[] {"{\"tenant\":\"t\",\"token\":\"chosen-secret\"}", "token"});
    cases.add(new String[] {"not json", "JSON"});
    cases.add(new String[] {"[\"tenant\"]", "tenant"});
    cases.add(new String[] {"", "tenant"});

    int before = tokenItems();
    for (String[] c : cases) {
      HttpResponse<String> r = api.issueRaw(c[0]);
      JsonNode detail = error(r, 400, "INVALID_TOKEN_SPEC");
      assertThat(detail.get("message").asText()).as(c[0]).contains(c[1]);
      assertThat(r.body())
          .as("never echoes a value")
          .doesNotContain(big)
          .doesNotContain("chosen-secret");
    }
    // a body past the route's own limit is refused before it is read
    HttpResponse<String> huge =
        api.issueRaw("{\"tenant\":\"t\",\"name\":\"" + "y".repeat(17_000) + "\"}");
    error(huge, 413, "PAYLOAD_TOO_LARGE");
    assertThat(tokenItems()).isEqualTo(before);
    assertThat(json(api.list()).get("tokens").size()).isEqualTo(before);
    assertThat(cases).hasSizeGreaterThan(40);
  }

  @Test
  void theOpenApiDocumentDescribesTheTokenRoutes() {
    JsonNode doc = json(broker.get("/v1/openapi.json", null));
    JsonNode paths = doc.get("paths");
    JsonNode tokens =
        paths.has("/admin/tokens") ? paths.get("/admin/tokens") : paths.get("/v1/admin/tokens");
    assertThat(tokens.has("post")).isTrue();
    assertThat(tokens.has("get")).isTrue();
    JsonNode one =
        paths.has("/admin/tokens/{tokenId}")
            ? paths.get("/admin/tokens/{tokenId}")
            : paths.get("/v1/admin/tokens/{tokenId}");
    assertThat(one.get("delete").get("responses").has("404")).isTrue();
    JsonNode post = tokens.get("post");
    assertThat(post.get("responses").has("201")).isTrue();
    assertThat(post.get("responses").get("400").get("description").asText())
        .contains("INVALID_TOKEN_SPEC");
    JsonNode request = doc.at("/components/schemas/IssueTokenRequest");
    assertThat(request.get("properties").has("allowed_prefixes")).isTrue();
    assertThat(request.get("properties").has("allowedPrefixes")).isFalse();
    assertThat(request.get("required").toString()).contains("tenant");
    assertThat(doc.at("/components/schemas/IssuedTokenResponse/properties").has("token")).isTrue();
    assertThat(doc.at("/components/schemas/TokenResponse/properties").has("token")).isFalse();
    assertThat(doc.at("/components/schemas/TokenResponse/properties").has("revoked_at")).isTrue();
  }

  private static String twentyOne() {
    List<String> p = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      p.add("\"lab-" + i + "-\"");
    }
    return "[" + String.join(",", p) + "]";
  }

  private static int tokenItems() {
    return broker
        .dynamo()
        .client()
        .query(
            b ->
                b.tableName(broker.tableName())
                    .keyConditionExpression("PK = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("TOKENS")))
                    .consistentRead(true))
        .count();
  }

  private static List<Map<String, AttributeValue>> scanAll() {
    List<Map<String, AttributeValue>> all = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page =
          broker
              .dynamo()
              .client()
              .scan(b -> b.tableName(broker.tableName()).exclusiveStartKey(from));
      all.addAll(page.items());
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return all;
  }

  private static String sha256(String s) {
    return TestBroker.sha256Hex(s);
  }
}
