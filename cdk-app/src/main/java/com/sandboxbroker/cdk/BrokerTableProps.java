package com.sandboxbroker.cdk;

/**
 * @param tableName physical table name (a stage suffix keeps stages in one account apart)
 */
public record BrokerTableProps(String tableName) {}
