package com.sandboxbroker.cdk;

/**
 * @param webAclName physical web ACL name (also its metric name prefix)
 * @param loadBalancerArn the ALB to protect
 * @param requestsPer5MinPerIp the rate rule's limit per source IP
 */
public record ApiFirewallProps(
    String webAclName, String loadBalancerArn, int requestsPer5MinPerIp) {}
