package com.sandboxbroker.cdk;

import java.util.List;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * The SNS topic every alarm and every failed job execution notifies (the latter through an
 * EventBridge rule, see {@link OperationsAlarms}). Encrypted with its own KMS key because job
 * failure messages carry error causes from the upstream provider.
 */
public final class AlarmTopic extends Construct {
  private final Topic topic;

  public AlarmTopic(Construct scope, String id, AlarmTopicProps props) {
    super(scope, id);
    Key key =
        Key.Builder.create(this, "Key")
            .description("Encrypts the Sandbox Broker alarm topic")
            .enableKeyRotation(true)
            .build();
    // CloudWatch alarms and EventBridge rules (failed job executions, failed deployments) publish
    // as the service, not as a role, so the key policy must let them in.
    key.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .principals(
                List.of(
                    new ServicePrincipal("cloudwatch.amazonaws.com"),
                    new ServicePrincipal("events.amazonaws.com")))
            .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
            .resources(List.of("*"))
            .build());
    this.topic =
        Topic.Builder.create(this, "Topic")
            .topicName(props.topicName())
            .masterKey(key)
            .enforceSsl(true)
            .build();
    if (props.email() != null && !props.email().isBlank()) {
      topic.addSubscription(new EmailSubscription(props.email()));
    }
  }

  public ITopic topic() {
    return topic;
  }
}
