package com.sandboxbroker.cdk;

/**
 * @param domain the stage's hosted zone and host name; null: use {@code certificateArn}
 * @param certificateArn an ACM certificate in the stage's region; null with no domain: no TLS
 *     certificate (only API Gateway ingress can do without)
 */
public record ApiCertificateProps(DomainSettings domain, String certificateArn) {}
