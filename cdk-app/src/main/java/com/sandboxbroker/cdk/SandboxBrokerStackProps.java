package com.sandboxbroker.cdk;

import software.amazon.awscdk.Environment;

/**
 * @param settings the deployment's typed settings
 * @param env target account and region
 */
public record SandboxBrokerStackProps(BrokerSettings settings, Environment env) {}
