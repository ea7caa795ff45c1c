package com.sandboxbroker.cdk;

import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * @param natGateways 0 selects the NAT-free layout: the API tasks run in isolated subnets and reach
 *     AWS only through VPC endpoints (they call nothing else); the jobs tasks, which must reach the
 *     upstream provider on the internet, run in public subnets with a public IP and a security
 *     group that allows no inbound traffic. With 1 or more, both run in private subnets with
 *     egress.
 * @param flowLogRetention how long VPC flow logs are kept
 */
public record NetworkProps(int natGateways, RetentionDays flowLogRetention) {}
