package com.sandboxbroker.core.contract;

/**
 * Environment variables the service's {@code config.yml} reads (through Dropwizard's substitution),
 * declared once so the CDK app sets exactly these on the API task definition.
 */
public enum ServiceEnvironment {
  BROKER_API_TOKEN(true, "track tokens, comma-separated (plain or sha256:<hex>)"),
  BROKER_ADMIN_TOKEN(true, "admin tokens, comma-separated (plain or sha256:<hex>)"),
  BROKER_STORE(false, "local (embedded DynamoDB Local, the default) or aws"),
  TABLE_NAME(false, "DynamoDB table name"),
  AWS_REGION(false, "AWS region for DynamoDB and Step Functions"),
  DYNAMODB_ENDPOINT(false, "DynamoDB endpoint override"),
  BROKER_JOBS_MODE(false, "in-process (local default) or step-functions"),
  BROKER_JOBS_PROVIDER(
      false,
      "demo (local default: in-process sync/cleanup on the demo pool) or none; demo is refused with BROKER_STORE=aws"),
  SYNC_STATE_MACHINE_ARN(false, "state machine the admin sync endpoint starts"),
  CLEANUP_STATE_MACHINE_ARN(false, "state machine the admin cleanup endpoint starts"),
  EXPIRY_STATE_MACHINE_ARN(false, "state machine the admin auto-expire endpoint starts"),
  BROKER_STAGE(
      false,
      "the deployment's stage: the Stage dimension of every CloudWatch metric the service publishes (default local)"),
  BROKER_POOLS(
      false, "configured pools, JSON: [{\"name\", \"prefix\", \"low_water\", \"shards\"}]");

  private final boolean secret;
  private final String description;

  ServiceEnvironment(boolean secret, String description) {
    this.secret = secret;
    this.description = description;
  }

  public boolean isSecret() {
    return secret;
  }

  public String description() {
    return description;
  }
}
