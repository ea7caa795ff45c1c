package com.sandboxbroker.core.contract;

/**
 * The DynamoDB table layout, declared once: read by the store adapter at run time and by the CDK app
 * when it defines the table. Sandbox items keep the earlier broker's layout ({@code PK = SBX#<id>},
 * {@code SK = META}, snake_case attributes, {@code StatusIndex}) so an existing table migrates by a
 * plain copy.
 */
public final class TableContract {
  private TableContract() {}

  public static final String DEFAULT_TABLE_NAME = "sandbox-broker";

  public static final String PARTITION_KEY = "PK";
  public static final String SORT_KEY = "SK";

  /** GSI over sandbox items: partition {@code status}, sort {@code allocated_at}; projection ALL. */
  public static final String STATUS_INDEX = "StatusIndex";

  public static final String STATUS_INDEX_PARTITION_KEY = "status";
  public static final String STATUS_INDEX_SORT_KEY = "allocated_at";

  /** Attribute holding the epoch-second expiry DynamoDB's TTL reaper acts on. */
  public static final String TTL_ATTRIBUTE = "ttl";

  /** Every item carries it; bump when an item's meaning changes, readers ignore unknown fields. */
  public static final String SCHEMA_VERSION_ATTRIBUTE = "schema_version";

  public static final int SCHEMA_VERSION = 1;

  public static final String SANDBOX_PK_PREFIX = "SBX#";
  public static final String SANDBOX_SK = "META";
  /**
   * Leases of the {@code default} tenant: {@code IDN#<identity>}, the key every lease had before
   * tenants existed, so those leases are found (and honoured) unchanged.
   */
  public static final String LEASE_PK_PREFIX = "IDN#";
  /**
   * Leases of any other tenant: {@code TEN#<tenant>#IDN#<identity>}. Tenant names cannot hold
   * {@code #} and the default tenant's keys start with {@code IDN#}, so no two (tenant, identity)
   * pairs share a key whatever the identity contains.
   */
  public static final String TENANT_LEASE_PK_PREFIX = "TEN#";
  /** Run-time track tokens (contract §6): one partition, so listing them is one key query. */
  public static final String TOKEN_PK = "TOKENS";
  /** A token record's sort key: {@code HASH#<sha256 hex of the secret>}, the one key auth reads. */
  public static final String TOKEN_SK_PREFIX = "HASH#";
  public static final String LEASE_SK_PREFIX = "SLOT#";
  public static final String JOB_PK_PREFIX = "JOB#";
}
