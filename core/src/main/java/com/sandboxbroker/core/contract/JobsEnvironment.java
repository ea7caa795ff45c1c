package com.sandboxbroker.core.contract;

/**
 * The jobs-runner's environment contract: every variable it reads, declared once. The runner's
 * {@code --help} prints it and the CDK app's jobs task definition is tested to set exactly these
 * keys (secrets through Secrets Manager, never as plain values).
 */
public enum JobsEnvironment {
  TABLE_NAME(Kind.REQUIRED, "DynamoDB table name"),
  AWS_REGION(Kind.OPTIONAL, "AWS region (ECS sets it; default chain otherwise)"),
  DYNAMODB_ENDPOINT(Kind.OPTIONAL, "DynamoDB endpoint override (DynamoDB Local in tests)"),
  PROVIDER(Kind.OPTIONAL, "upstream provider: csp (default) or static"),
  STATIC_INVENTORY_PATH(Kind.OPTIONAL, "JSON inventory file for PROVIDER=static"),
  CSP_BASE_URL(Kind.OPTIONAL, "Infoblox CSP base URL (default https://csp.infoblox.com/v2)"),
  CSP_API_TOKEN(Kind.SECRET, "Infoblox CSP API token"),
  NIOSXAAS_ENABLED(Kind.OPTIONAL, "true to clean NIOSXaaS universal services before deleting"),
  NIOSXAAS_SHADOW_MODE(Kind.OPTIONAL, "true to only count what would be deleted"),
  NIOSXAAS_BASE_URL(Kind.OPTIONAL, "NIOSXaaS base URL"),
  NIOSXAAS_SERVICE_NAME(Kind.OPTIONAL, "universal service name to delete (default Instrqt-SaaS)"),
  NIOSXAAS_EMAIL(Kind.SECRET, "NIOSXaaS service-account e-mail"),
  NIOSXAAS_PASSWORD(Kind.SECRET, "NIOSXaaS service-account password"),
  TASK_TOKEN(Kind.OPTIONAL, "Step Functions task token (set by the state machine)"),
  EXECUTION_ARN(Kind.OPTIONAL, "Step Functions execution ARN (set by the state machine)");

  /** How a variable is supplied. */
  public enum Kind {
    REQUIRED,
    OPTIONAL,
    /** Supplied from Secrets Manager in AWS; never logged or reported. */
    SECRET
  }

  private final Kind kind;
  private final String description;

  JobsEnvironment(Kind kind, String description) {
    this.kind = kind;
    this.description = description;
  }

  public Kind kind() {
    return kind;
  }

  public String description() {
    return description;
  }

  public boolean isSecret() {
    return kind == Kind.SECRET;
  }
}
