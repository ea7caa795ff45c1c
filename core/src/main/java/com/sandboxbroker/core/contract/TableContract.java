package com.sandboxbroker.core.contract;

import java.util.List;

/**
 * The DynamoDB table layout, declared once: read by the store adapter at run time and by the CDK
 * app when it defines the table. Sandbox items keep the earlier broker's layout ({@code PK =
 * SBX#<id>}, {@code SK = META}, snake_case attributes, {@code StatusIndex}) so an existing table
 * migrates by a plain copy.
 */
public final class TableContract {
  private TableContract() {}

  public static final String DEFAULT_TABLE_NAME = "sandbox-broker";

  public static final String PARTITION_KEY = "PK";
  public static final String SORT_KEY = "SK";

  /**
   * GSI over sandbox items: partition {@code status}, sort {@code allocated_at}; projection ALL.
   */
  public static final String STATUS_INDEX = "StatusIndex";

  public static final String STATUS_INDEX_PARTITION_KEY = "status";
  public static final String STATUS_INDEX_SORT_KEY = "allocated_at";

  /**
   * GSI over sandbox items by pool (design §10): partition {@code pool_shard} = {@code
   * <pool>#<shard>}, sort {@code status}. The key is the pool and the status together, so
   * allocation reads only the {@code available} items of its own pool(s) and counting is one key
   * query per (pool, shard, status). Status is the sort key rather than part of a denormalised
   * partition value so that every transition that sets {@code status} moves the item in this index
   * by itself; no writer has to maintain a second copy of the status. Projection INCLUDE (only what
   * a candidate needs), which keeps each index entry small for {@code Select=COUNT}.
   */
  public static final String POOL_INDEX = "PoolIndex";

  public static final String POOL_INDEX_PARTITION_KEY = "pool_shard";
  public static final String POOL_INDEX_SORT_KEY = "status";

  /** The sandbox's pool (shared contract): set when sync adds it, backfilled for older items. */
  public static final String POOL_ATTRIBUTE = "pool";

  /** Non-key attributes {@code PoolIndex} projects: what an allocation candidate is made of. */
  public static final List<String> POOL_INDEX_PROJECTED =
      List.of("sandbox_id", "name", "external_id", "sfdc_account_id", POOL_ATTRIBUTE);

  /** The pool registry: one partition, {@code SK = POOL#<pool>} per known pool. */
  public static final String POOL_REGISTRY_PK = "POOLS";

  /** Per-pool items, e.g. the low-water state {@code PK = POOL#<pool>, SK = STATE}. */
  public static final String POOL_PK_PREFIX = "POOL#";

  public static final String POOL_STATE_SK = "STATE";

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
