package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;

/**
 * The exact IAM wildcards cdk-nag's AwsSolutions-IAM5 may be acknowledged for (an acknowledgement
 * names what it covers, so a new wildcard in the same policy is still a finding).
 */
final class IamWildcards {
  private IamWildcards() {}

  /**
   * A table grant's {@code <table arn>/index/*}: the StatusIndex (and any index a later issue
   * adds).
   */
  static final RegexAppliesTo TABLE_INDEXES =
      RegexAppliesTo.builder()
          .regex("/^Resource::<BrokerTable[A-Za-z0-9]*\\.Arn>\\/index\\/\\*$/g")
          .build();

  /** Actions without resource-level permissions, which IAM accepts only on Resource *. */
  static final String ANY_RESOURCE = "Resource::*";

  static final List<Object> TABLE_INDEXES_AND_ECR_TOKEN = List.of(TABLE_INDEXES, ANY_RESOURCE);

  /**
   * ecs:RunTask on the jobs task definition's family, any revision (CDK renders the family ARN from
   * the task definition's Ref, so the finding names its logical id and ends in {@code :*}).
   */
  static final RegexAppliesTo JOBS_TASK_DEFINITION_REVISIONS =
      RegexAppliesTo.builder()
          .regex("/^Resource::arn:.*JobsTaskTaskDefinition[A-Za-z0-9]*.*:\\*$/g")
          .build();

  /**
   * Publishing to the KMS-encrypted alarm topic: the key grant covers GenerateDataKey's variants.
   */
  static final String KMS_DATA_KEY = "Action::kms:GenerateDataKey*";

  static final List<Object> JOB_STATE_MACHINE =
      List.of(JOBS_TASK_DEFINITION_REVISIONS, ANY_RESOURCE, KMS_DATA_KEY);

  static final List<Object> TEARDOWN_STATE_MACHINE = List.of(ANY_RESOURCE, KMS_DATA_KEY);
}
