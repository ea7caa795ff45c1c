package com.sandboxbroker.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * One Secrets Manager secret per secret environment variable (tokens, upstream credentials). One
 * secret each, not one JSON document, so each can be rotated, audited and granted on its own. They
 * are created with a random placeholder; the README's "Deploy" section says how to put the real
 * values.
 */
public final class BrokerSecrets extends Construct {
  private final Map<String, ISecret> byEnvName = new LinkedHashMap<>();

  public BrokerSecrets(Construct scope, String id, BrokerSecretsProps props) {
    super(scope, id);
    for (String envName : props.envNames()) {
      var secret =
          Secret.Builder.create(this, envName)
              .secretName(props.namePrefix() + envName)
              .description(
                  "Sandbox Broker " + envName + " (injected into the ECS task environment)")
              // 40 random characters: the tokens are bearer secrets, so long and unguessable;
              // punctuation excluded so the value can sit in a header or a comma-separated list
              .generateSecretString(
                  SecretStringGenerator.builder()
                      .passwordLength(40)
                      .excludePunctuation(true)
                      .build())
              .build();
      NagSuppressions.addResourceSuppressions(
          secret,
          List.of(
              NagPackSuppression.builder()
                  .id("AwsSolutions-SMG4")
                  .reason(
                      "Values are issued outside AWS (track/admin tokens handed to lab platforms,"
                          + " the Infoblox CSP API token, NIOSXaaS account): a rotation Lambda cannot"
                          + " mint them. Rotation is the procedure in runbooks/rotate-credentials.md.")
                  .build()));
      byEnvName.put(envName, secret);
    }
  }

  /** The secret itself: for a container's ECS secret, or an output the pipeline reads. */
  public ISecret secret(String envName) {
    ISecret secret = byEnvName.get(envName);
    if (secret == null) {
      throw new IllegalArgumentException("no secret declared for " + envName);
    }
    return secret;
  }
}
