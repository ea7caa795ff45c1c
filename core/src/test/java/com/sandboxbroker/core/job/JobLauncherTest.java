package com.sandboxbroker.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.store.dynamodb.DynamoDbJobStore;
import com.sandboxbroker.core.store.dynamodb.SandboxTable;
import com.sandboxbroker.core.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JobLauncherTest {
  static LocalDynamo ddb;
  static DynamoDbClient client;
  static ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);

  DynamoDbJobStore jobs;
  String table;

  @BeforeAll
  static void start() {
    ddb = LocalDynamo.start();
    client = ddb.client();
  }

  @AfterAll
  static void stop() {
    timers.shutdownNow();
    client.close();
    ddb.close();
  }

  @BeforeEach
  void table() {
    table = LocalDynamo.uniqueTableName();
    new SandboxTable(client, table).createIfMissing();
    jobs = new DynamoDbJobStore(client, table);
  }

  JobLauncher launcher(Duration ttl) {
    return new JobLauncher(
        jobs,
        Clock.systemUTC(),
        () -> UUID.randomUUID().toString(),
        ttl,
        Duration.ofDays(30),
        timers);
  }

  static Job job(JobName name, Runnable body) {
    return new Job() {
      @Override
      public JobName name() {
        return name;
      }

      @Override
      public JobResult run(JobContext context) {
        body.run();
        return JobResult.succeeded(Map.of("done", 1L));
      }
    };
  }

  @Test
  void aSecondRunWhileTheFirstHoldsTheLockIsSkipped_andTheLockIsRenewedPastItsTtl()
      throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Job slow =
        job(
            JobName.CLEANUP,
            () -> {
              inside.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    var first =
        Executors.newSingleThreadExecutor()
            .submit(() -> launcher(Duration.ofSeconds(1)).launch(slow, ""));
    inside.await();
    Thread.sleep(2500); // longer than the TTL: only renewal keeps the lock
    JobRun second = launcher(Duration.ofSeconds(1)).launch(job(JobName.CLEANUP, () -> {}), "");
    assertThat(second.outcome()).isEqualTo(JobOutcome.SKIPPED);
    assertThat(second.detail()).contains("lock");
    JobRun other = launcher(Duration.ofSeconds(1)).launch(job(JobName.SYNC, () -> {}), "");
    assertThat(other.outcome()).isEqualTo(JobOutcome.SUCCEEDED);
    release.countDown();
    assertThat(first.get().outcome()).isEqualTo(JobOutcome.SUCCEEDED);
    assertThat(jobs.isLocked(JobName.CLEANUP, System.currentTimeMillis())).isFalse();
  }

  @Test
  void aCrashedHoldersLockExpires() {
    assertThat(jobs.tryLock(JobName.EXPIRY, "crashed", System.currentTimeMillis() - 10_000, 5_000))
        .isTrue();
    JobRun run = launcher(Duration.ofSeconds(5)).launch(job(JobName.EXPIRY, () -> {}), "");
    assertThat(run.outcome()).isEqualTo(JobOutcome.SUCCEEDED);
  }

  @Test
  void aPausedJobIsSkippedWhileOthersRun_andResumeRestoresIt() {
    jobs.setPaused(JobName.CLEANUP, true, 0);
    AtomicBoolean ran = new AtomicBoolean();
    JobRun paused =
        launcher(Duration.ofSeconds(5)).launch(job(JobName.CLEANUP, () -> ran.set(true)), "arn:x");
    assertThat(paused.outcome()).isEqualTo(JobOutcome.SKIPPED);
    assertThat(paused.detail()).isEqualTo("paused");
    assertThat(ran).isFalse();
    assertThat(launcher(Duration.ofSeconds(5)).launch(job(JobName.SYNC, () -> {}), "").outcome())
        .isEqualTo(JobOutcome.SUCCEEDED);
    jobs.setPaused(JobName.CLEANUP, false, 0);
    assertThat(
            launcher(Duration.ofSeconds(5))
                .launch(job(JobName.CLEANUP, () -> ran.set(true)), "")
                .outcome())
        .isEqualTo(JobOutcome.SUCCEEDED);
    assertThat(ran).isTrue();
  }

  @Test
  void runsAreRecordedWithTtlAndReadBackNewestFirst() {
    launcher(Duration.ofSeconds(5))
        .launch(job(JobName.SYNC, () -> {}), "arn:aws:states:eu-west-1:1:execution:sync:a");
    Job failing =
        new Job() {
          @Override
          public JobName name() {
            return JobName.SYNC;
          }

          @Override
          public JobResult run(JobContext context) {
            throw new IllegalStateException("boom");
          }
        };
    JobRun failed = launcher(Duration.ofSeconds(5)).launch(failing, "");
    assertThat(failed.outcome()).isEqualTo(JobOutcome.FAILED);
    assertThat(failed.error()).contains(JobError.JOB_FAILED);

    List<JobRun> runs = jobs.recentRuns(JobName.SYNC, 10);
    assertThat(runs).hasSize(2);
    assertThat(runs)
        .extracting(JobRun::outcome)
        .containsExactlyInAnyOrder(JobOutcome.SUCCEEDED, JobOutcome.FAILED);
    JobRun ok =
        runs.stream().filter(r -> r.outcome() == JobOutcome.SUCCEEDED).findFirst().orElseThrow();
    assertThat(ok.counts()).containsEntry("done", 1L);
    assertThat(ok.executionArn()).endsWith(":a");

    var items = client.scan(b -> b.tableName(table)).items();
    assertThat(items)
        .isNotEmpty()
        .allSatisfy(
            i -> {
              assertThat(i).containsKey("schema_version");
              assertThat(i)
                  .doesNotContainKey("status"); // job items stay out of StatusIndex and the stats
            });
    assertThat(items.stream().filter(i -> i.get("SK").s().startsWith("RUN#")))
        .allSatisfy(
            i ->
                assertThat(Long.parseLong(i.get("ttl").n()))
                    .isGreaterThan(System.currentTimeMillis() / 1000 + 29 * 86400));
    assertThat(items.get(0).get("PK")).isEqualTo(AttributeValue.fromS("JOB#sync"));
  }
}
