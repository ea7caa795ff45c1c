package com.sandboxbroker.cdk;

import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationListener;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * @param apiName the HTTP API's and VPC link's name
 * @param listener the internal ALB's production listener
 * @param vpc the stage's VPC
 * @param subnets where the VPC link's network interfaces go (the ALB's private subnets)
 * @param certificate for the custom domain; null: the execute-api host name only
 * @param hostName the custom domain's name, with {@code certificate}
 * @param logRetention retention of the access log group
 * @param retainLogs keep the access logs when the stack is deleted (not for previews)
 */
public record ApiGatewayIngressProps(
    String apiName,
    IApplicationListener listener,
    IVpc vpc,
    SubnetSelection subnets,
    ICertificate certificate,
    String hostName,
    RetentionDays logRetention,
    boolean retainLogs) {}
