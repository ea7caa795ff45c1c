package com.sandboxbroker.cdk;

import com.sandboxbroker.core.contract.EventContract;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.Archive;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.pipes.CfnPipe;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Lifecycle events deployed (contract §8): the table's stream → one EventBridge Pipe (filter +
 * input transformation, no code of ours in the path) → the custom bus {@code
 * sandbox-broker-<stage>}, archived for replay; records the pipe cannot deliver go to an SQS DLQ,
 * and both kinds of failure raise an alarm.
 *
 * <p>One pipe, not one per type: DynamoDB throttles a stream shard read by more than two consumers.
 * The event type is the {@code lifecycle_event} marker the store writes (see {@link
 * EventContract}), used both as the pipe's filter and as its dynamic {@code detail-type}; the local
 * feed applies the same filter and template, so both produce the same event.
 */
public final class LifecycleEvents extends Construct {
  /** CloudWatch namespace of EventBridge Pipes metrics (dimension {@code PipeName}). */
  static final String PIPES_NAMESPACE = "AWS/EventBridge/Pipes";

  public static final String RUNBOOK = "runbooks/event-delivery.md";

  /** A year of events to replay: enough to rebuild a subscriber's history, cheap at this volume. */
  private static final Duration ARCHIVE_RETENTION = Duration.days(365);

  /** SQS's maximum: an undeliverable record waits two weeks for an operator. */
  private static final Duration DLQ_RETENTION = Duration.days(14);

  /** Records retried this often (with Pipes' backoff) before they go to the DLQ. */
  private static final int MAX_RETRY_ATTEMPTS = 10;

  private static final Duration PERIOD = Duration.minutes(5);

  private final EventBus bus;
  private final CfnPipe pipe;
  private final Queue deadLetters;

  public LifecycleEvents(Construct scope, String id, LifecycleEventsProps props) {
    super(scope, id);
    String prefix = props.namePrefix();
    this.bus = EventBus.Builder.create(this, "Bus").eventBusName(props.busName()).build();
    archive(prefix);
    this.deadLetters = deadLetterQueue(prefix);
    String streamArn = props.table().getTableStreamArn();
    Role role = pipeRole(props, streamArn);
    String pipeName = prefix + "-lifecycle-events";
    this.pipe = pipe(props, pipeName, role, streamArn);
    pipe.getNode().addDependency(role);
    alarmOnUndelivered(props, pipeName);
    CfnOutput.Builder.create(this, "EventBusName").value(bus.getEventBusName()).build();
    CfnOutput.Builder.create(this, "EventBusArn").value(bus.getEventBusArn()).build();
  }

  private void archive(String prefix) {
    Archive.Builder.create(this, "Archive")
        .sourceEventBus(bus)
        .archiveName(prefix + "-events")
        .description("Every sandbox-broker lifecycle event, for replay")
        .eventPattern(EventPattern.builder().source(List.of(EventContract.SOURCE)).build())
        .retention(ARCHIVE_RETENTION)
        .build();
  }

  private Queue deadLetterQueue(String prefix) {
    Queue queue =
        Queue.Builder.create(this, "DeadLetters")
            .queueName(prefix + "-events-dlq")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(DLQ_RETENTION)
            .build();
    NagSuppressions.addResourceSuppressions(
        queue,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason(
                    "This queue is itself the dead-letter queue of the lifecycle-events pipe; a DLQ of a DLQ would only move the same records again")
                .build()));
    return queue;
  }

  /** What the pipe may do: read the stream, put on the bus, dead-letter; nothing else. */
  private Role pipeRole(LifecycleEventsProps props, String streamArn) {
    Role role =
        Role.Builder.create(this, "PipeRole")
            .description(
                "EventBridge Pipe: read the broker table's stream, put events on the bus, dead-letter to SQS")
            .assumedBy(
                ServicePrincipal.Builder.create("pipes.amazonaws.com")
                    .conditions(
                        Map.of(
                            "StringEquals",
                            Map.of("aws:SourceAccount", Stack.of(this).getAccount())))
                    .build())
            .inlinePolicies(Map.of("lifecycle-events", pipePolicy(props, streamArn)))
            .build();
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "dynamodb:ListStreams is granted on <table>/stream/* only: the stream label is not known at synth time and ListStreams names no single stream")
                .appliesTo(
                    List.of(
                        RegexAppliesTo.builder()
                            .regex("/^Resource::<.*Table.*\\.Arn>\\/stream\\/\\*$/g")
                            .build()))
                .build()),
        true);
    return role;
  }

  private PolicyDocument pipePolicy(LifecycleEventsProps props, String streamArn) {
    return PolicyDocument.Builder.create()
        .statements(
            List.of(
                allow(
                    List.of(
                        "dynamodb:DescribeStream",
                        "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator"),
                    streamArn),
                allow(List.of("dynamodb:ListStreams"), props.table().getTableArn() + "/stream/*"),
                allow(List.of("events:PutEvents"), bus.getEventBusArn()),
                allow(List.of("sqs:SendMessage"), deadLetters.getQueueArn())))
        .build();
  }

  private static PolicyStatement allow(List<String> actions, String resource) {
    return PolicyStatement.Builder.create()
        .effect(Effect.ALLOW)
        .actions(actions)
        .resources(List.of(resource))
        .build();
  }

  private CfnPipe pipe(LifecycleEventsProps props, String pipeName, Role role, String streamArn) {
    return CfnPipe.Builder.create(this, "Pipe")
        .name(pipeName)
        .description(
            "Broker table stream -> lifecycle events on "
                + props.busName()
                + " (contract section 8)")
        .roleArn(role.getRoleArn())
        .source(streamArn)
        .sourceParameters(streamSource())
        .target(bus.getEventBusArn())
        .targetParameters(
            CfnPipe.PipeTargetParametersProperty.builder()
                .inputTemplate(EventContract.INPUT_TEMPLATE)
                .eventBridgeEventBusParameters(
                    CfnPipe.PipeTargetEventBridgeEventBusParametersProperty.builder()
                        .source(EventContract.SOURCE)
                        .detailType(EventContract.DETAIL_TYPE_PATH)
                        .build())
                .build())
        .build();
  }

  /** The stream, filtered to the records that carry a lifecycle event, with retries and a DLQ. */
  private CfnPipe.PipeSourceParametersProperty streamSource() {
    return CfnPipe.PipeSourceParametersProperty.builder()
        .dynamoDbStreamParameters(
            CfnPipe.PipeSourceDynamoDBStreamParametersProperty.builder()
                // events begin when the pipe does; the archive keeps them from then on
                .startingPosition("LATEST")
                .batchSize(10)
                .maximumRetryAttempts(MAX_RETRY_ATTEMPTS)
                // a poison record is isolated by halving its batch, not retried with its
                // neighbours
                .onPartialBatchItemFailure("AUTOMATIC_BISECT")
                .deadLetterConfig(
                    CfnPipe.DeadLetterConfigProperty.builder()
                        .arn(deadLetters.getQueueArn())
                        .build())
                .build())
        .filterCriteria(
            CfnPipe.FilterCriteriaProperty.builder()
                .filters(
                    List.of(
                        CfnPipe.FilterProperty.builder()
                            .pattern(EventContract.FILTER_PATTERN)
                            .build()))
                .build())
        .build();
  }

  /** Both kinds of failure page: puts the pipe retries, and records it gave up on. */
  private void alarmOnUndelivered(LifecycleEventsProps props, String pipeName) {
    SnsAction notify = new SnsAction(props.alarmTopic());
    MathExpression failures =
        MathExpression.Builder.create()
            .expression("FILL(failed, 0) + FILL(targetFailed, 0)")
            .usingMetrics(
                Map.of(
                    "failed", pipeMetric(pipeName, "ExecutionFailed"),
                    "targetFailed", pipeMetric(pipeName, "TargetStageFailed")))
            .label("lifecycle-events pipe: failed executions and target calls")
            .period(PERIOD)
            .build();
    Alarm.Builder.create(this, "PipeFailures")
        .alarmName(props.namePrefix() + "-events-pipe-failures")
        .alarmDescription(
            "The lifecycle-events pipe failed to put events on "
                + props.busName()
                + " (it retries; records that exhaust the retries go to the DLQ). Runbook: "
                + RUNBOOK)
        .metric(failures)
        .threshold(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .evaluationPeriods(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build()
        .addAlarmAction(notify);
    Alarm.Builder.create(this, "DeadLettersWaiting")
        .alarmName(props.namePrefix() + "-events-dlq-not-empty")
        .alarmDescription(
            "Stream records the lifecycle-events pipe could not deliver are waiting in "
                + props.namePrefix()
                + "-events-dlq: subscribers missed those events. Runbook: "
                + RUNBOOK)
        .metric(
            deadLetters
                .metricApproximateNumberOfMessagesVisible()
                .with(MetricOptions.builder().period(PERIOD).statistic("Maximum").build()))
        .threshold(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .evaluationPeriods(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build()
        .addAlarmAction(notify);
  }

  private static Metric pipeMetric(String pipeName, String name) {
    return Metric.Builder.create()
        .namespace(PIPES_NAMESPACE)
        .metricName(name)
        .dimensionsMap(Map.of("PipeName", pipeName))
        .statistic("Sum")
        .period(PERIOD)
        .build();
  }

  public EventBus bus() {
    return bus;
  }

  public CfnPipe pipe() {
    return pipe;
  }

  public Queue deadLetters() {
    return deadLetters;
  }
}
