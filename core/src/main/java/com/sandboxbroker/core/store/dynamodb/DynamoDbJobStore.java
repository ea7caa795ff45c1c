package com.sandboxbroker.core.store.dynamodb;

import static com.sandboxbroker.core.contract.TableContract.JOB_PK_PREFIX;
import static com.sandboxbroker.core.contract.TableContract.PARTITION_KEY;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION;
import static com.sandboxbroker.core.contract.TableContract.SCHEMA_VERSION_ATTRIBUTE;
import static com.sandboxbroker.core.contract.TableContract.SORT_KEY;
import static com.sandboxbroker.core.contract.TableContract.TTL_ATTRIBUTE;
import static com.sandboxbroker.core.store.dynamodb.Items.n;
import static com.sandboxbroker.core.store.dynamodb.Items.num;
import static com.sandboxbroker.core.store.dynamodb.Items.s;
import static com.sandboxbroker.core.store.dynamodb.Items.str;

import com.sandboxbroker.core.contract.EventContract;
import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.job.JobError;
import com.sandboxbroker.core.job.JobOutcome;
import com.sandboxbroker.core.job.JobRun;
import com.sandboxbroker.core.job.JobStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link JobStore} in the broker's table: per job, {@code PK = JOB#<job>} with {@code SK = LOCK},
 * {@code SK = PAUSE} and {@code SK = RUN#<started_at>#<run_id>}. None of these items has a {@code
 * status} attribute, so they stay out of {@code StatusIndex} and out of the pool's stats.
 */
public final class DynamoDbJobStore implements JobStore {
  private static final String LOCK_SK = "LOCK";
  private static final String PAUSE_SK = "PAUSE";
  private static final String RUN_SK_PREFIX = "RUN#";

  private static final String OWNER = "owner";
  private static final String LOCK_EXPIRES_AT_MS = "lock_expires_at_ms";
  private static final String PAUSED = "paused";
  private static final String UPDATED_AT = "updated_at";
  private static final String JOB = "job";
  private static final String RUN_ID = "run_id";
  private static final String OUTCOME = "outcome";
  private static final String COUNTS = "counts";
  private static final String STARTED_AT = "started_at";
  private static final String DURATION_MS = "duration_ms";
  private static final String EXECUTION_ARN = "execution_arn";
  private static final String ERROR = "error";
  private static final String DETAIL = "detail";

  /** A lock item outlives its expiry by a day, then TTL removes what a crashed run left behind. */
  private static final Duration LOCK_ITEM_TTL_MARGIN = Duration.ofDays(1);

  private final DynamoDbClient dynamo;
  private final String tableName;

  public DynamoDbJobStore(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  @Override
  public boolean tryLock(JobName job, String owner, long nowMillis, long ttlMillis) {
    return tryLock(job.wireName(), owner, nowMillis, ttlMillis);
  }

  @Override
  public boolean tryLock(String lockName, String owner, long nowMillis, long ttlMillis) {
    Map<String, AttributeValue> item = new HashMap<>(key(lockName, LOCK_SK));
    item.put(Items.ITEM_TYPE, s("job_lock"));
    item.put(SCHEMA_VERSION_ATTRIBUTE, n(SCHEMA_VERSION));
    item.put(OWNER, s(owner));
    item.put(LOCK_EXPIRES_AT_MS, n(nowMillis + ttlMillis));
    item.put(TTL_ATTRIBUTE, n((nowMillis + ttlMillis) / 1000 + LOCK_ITEM_TTL_MARGIN.toSeconds()));
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(item)
                  .conditionExpression(
                      "attribute_not_exists(#pk) OR #exp <= :now OR #owner = :owner")
                  .expressionAttributeNames(
                      Map.of("#pk", PARTITION_KEY, "#exp", LOCK_EXPIRES_AT_MS, "#owner", OWNER))
                  .expressionAttributeValues(Map.of(":now", n(nowMillis), ":owner", s(owner))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public boolean renewLock(JobName job, String owner, long nowMillis, long ttlMillis) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(tableName)
                  .key(key(job, LOCK_SK))
                  .updateExpression("SET #exp = :exp, #ttl = :ttl")
                  .conditionExpression("#owner = :owner")
                  .expressionAttributeNames(
                      Map.of("#exp", LOCK_EXPIRES_AT_MS, "#ttl", TTL_ATTRIBUTE, "#owner", OWNER))
                  .expressionAttributeValues(
                      Map.of(
                          ":exp", n(nowMillis + ttlMillis),
                          ":ttl",
                              n((nowMillis + ttlMillis) / 1000 + LOCK_ITEM_TTL_MARGIN.toSeconds()),
                          ":owner", s(owner))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public void unlock(JobName job, String owner) {
    unlock(job.wireName(), owner);
  }

  @Override
  public void unlock(String lockName, String owner) {
    try {
      dynamo.deleteItem(
          b ->
              b.tableName(tableName)
                  .key(key(lockName, LOCK_SK))
                  .conditionExpression("#owner = :owner")
                  .expressionAttributeNames(Map.of("#owner", OWNER))
                  .expressionAttributeValues(Map.of(":owner", s(owner))));
    } catch (ConditionalCheckFailedException e) {
      // expired and taken over by another run: not ours to release
    }
  }

  @Override
  public boolean isLocked(JobName job, long nowMillis) {
    var item = get(job, LOCK_SK);
    return item.isPresent() && num(item.get(), LOCK_EXPIRES_AT_MS) > nowMillis;
  }

  @Override
  public boolean isPaused(JobName job) {
    return get(job, PAUSE_SK)
        .map(i -> i.containsKey(PAUSED) && Boolean.TRUE.equals(i.get(PAUSED).bool()))
        .orElse(false);
  }

  @Override
  public void setPaused(JobName job, boolean paused, long now) {
    Map<String, AttributeValue> item = new HashMap<>(key(job, PAUSE_SK));
    item.put(Items.ITEM_TYPE, s("job_pause"));
    item.put(SCHEMA_VERSION_ATTRIBUTE, n(SCHEMA_VERSION));
    item.put(PAUSED, AttributeValue.fromBool(paused));
    item.put(UPDATED_AT, n(now));
    // an operator's flag has no prior state to protect: last writer wins by design
    dynamo.putItem(b -> b.tableName(tableName).item(item));
  }

  @Override
  public void recordRun(JobRun run, long ttl) {
    Map<String, AttributeValue> item =
        new HashMap<>(
            key(
                run.job(),
                String.format("%s%012d#%s", RUN_SK_PREFIX, run.startedAt(), run.runId())));
    item.put(Items.ITEM_TYPE, s("job_run"));
    // every finished run is one job.finished event on the table's stream (EventContract)
    item.put(
        EventContract.LIFECYCLE_EVENT_ATTRIBUTE,
        s(EventContract.EventType.JOB_FINISHED.wireName()));
    item.put(SCHEMA_VERSION_ATTRIBUTE, n(SCHEMA_VERSION));
    item.put(JOB, s(run.job().wireName()));
    item.put(RUN_ID, s(run.runId()));
    item.put(OUTCOME, s(run.outcome().wireName()));
    Map<String, AttributeValue> counts = new LinkedHashMap<>();
    run.counts().forEach((k, v) -> counts.put(k, n(v)));
    item.put(COUNTS, AttributeValue.fromM(counts));
    item.put(STARTED_AT, n(run.startedAt()));
    item.put(DURATION_MS, n(run.durationMs()));
    item.put(EXECUTION_ARN, s(run.executionArn()));
    item.put(ERROR, s(run.error().map(JobError::errorName).orElse("")));
    item.put(DETAIL, s(run.detail()));
    item.put(TTL_ATTRIBUTE, n(ttl));
    // a fresh key per run: the condition only guards against a run id ever being reused
    dynamo.putItem(
        b ->
            b.tableName(tableName)
                .item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY)));
  }

  @Override
  public List<JobRun> recentRuns(JobName job, int limit) {
    var response =
        dynamo.query(
            b ->
                b.tableName(tableName)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :run)")
                    .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                    .expressionAttributeValues(
                        Map.of(":pk", s(JOB_PK_PREFIX + job.wireName()), ":run", s(RUN_SK_PREFIX)))
                    .scanIndexForward(false)
                    .limit(limit));
    List<JobRun> runs = new ArrayList<>();
    for (var item : response.items()) {
      Map<String, Long> counts = new LinkedHashMap<>();
      var m = item.get(COUNTS);
      if (m != null && m.hasM()) {
        m.m().forEach((k, v) -> counts.put(k, v.n() == null ? 0 : Long.parseLong(v.n())));
      }
      String error = str(item, ERROR);
      runs.add(
          new JobRun(
              job,
              str(item, RUN_ID),
              JobOutcome.fromWireName(str(item, OUTCOME)),
              counts,
              num(item, STARTED_AT),
              num(item, DURATION_MS),
              str(item, EXECUTION_ARN),
              Arrays.stream(JobError.values()).filter(e -> e.errorName().equals(error)).findFirst(),
              str(item, DETAIL)));
    }
    return runs;
  }

  private Optional<Map<String, AttributeValue>> get(JobName job, String sk) {
    var item =
        dynamo.getItem(b -> b.tableName(tableName).key(key(job, sk)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  private static Map<String, AttributeValue> key(JobName job, String sk) {
    return key(job.wireName(), sk);
  }

  private static Map<String, AttributeValue> key(String name, String sk) {
    return Map.of(PARTITION_KEY, s(JOB_PK_PREFIX + name), SORT_KEY, s(sk));
  }
}
