package com.sandboxbroker.cdk;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * How a stage is delivered and reached: ingress, DNS, the images to run, whether the job schedules
 * run, and, for a preview, when it deletes itself.
 *
 * @param ingress what faces the internet
 * @param domain the API's host name in a hosted zone; null: the certificate ARN (ALB) or the API
 *     Gateway's own execute-api host name
 * @param preview non-null for a self-deleting preview stage
 * @param images images pushed by the pipeline, by digest; null: build them from the Dockerfile as
 *     CDK assets (the workstation path)
 * @param jobSchedulesEnabled false until the upstream secrets hold real values: a schedule that
 *     starts jobs against placeholder credentials fails every run and pages every period
 */
public record DeliverySettings(
    Ingress ingress,
    DomainSettings domain,
    Preview preview,
    ImageDigests images,
    boolean jobSchedulesEnabled) {

  public DeliverySettings {
    Objects.requireNonNull(ingress, "ingress");
  }

  /** A workstation deploy: ALB, no zone, images built locally, schedules off until configured. */
  public static final DeliverySettings WORKSTATION =
      new DeliverySettings(Ingress.ALB, null, null, null, false);

  public boolean isPreview() {
    return preview != null;
  }

  public DeliverySettings withIngress(Ingress i) {
    return new DeliverySettings(i, domain, preview, images, jobSchedulesEnabled);
  }

  public DeliverySettings withDomain(DomainSettings d) {
    return new DeliverySettings(ingress, d, preview, images, jobSchedulesEnabled);
  }

  public DeliverySettings withPreview(Preview p) {
    return new DeliverySettings(ingress, domain, p, images, jobSchedulesEnabled);
  }

  public DeliverySettings withImages(ImageDigests i) {
    return new DeliverySettings(ingress, domain, preview, i, jobSchedulesEnabled);
  }

  public DeliverySettings withJobSchedulesEnabled(boolean enabled) {
    return new DeliverySettings(ingress, domain, preview, images, enabled);
  }

  /** {@code -c ingress=alb} (default) or {@code -c ingress=apigateway}. */
  public enum Ingress {
    /** An internet-facing ALB with WAF terminates TLS (the default). */
    ALB,
    /**
     * An API Gateway HTTP API with a VPC link in front of an internal ALB (docs/decisions/0001).
     */
    APIGATEWAY;

    public static Ingress parse(String value) {
      return switch (value == null ? "alb" : value.toLowerCase(Locale.ROOT)) {
        case "alb" -> ALB;
        case "apigateway" -> APIGATEWAY;
        default ->
            throw new IllegalArgumentException("ingress must be alb or apigateway: " + value);
      };
    }
  }

  /**
   * @param deleteAt when the stack deletes itself
   * @param warning how long before that the SNS warning goes out
   */
  public record Preview(Instant deleteAt, Duration warning) {
    /** The longest a preview may live: a forgotten one should not bill for more than a month. */
    public static final int MAX_HOURS = 720;

    public Preview {
      Objects.requireNonNull(deleteAt, "deleteAt");
      Objects.requireNonNull(warning, "warning");
    }

    /**
     * A preview deleted {@code hours} after {@code now} (rounded up to the next minute), warned one
     * hour before. At least 2 hours, so the warning is never scheduled in the past.
     */
    public static Preview after(Instant now, int hours) {
      if (hours < 2 || hours > MAX_HOURS) {
        throw new IllegalArgumentException(
            "ephemeralHours must be between 2 and " + MAX_HOURS + ": " + hours);
      }
      Instant minute = now.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
      return new Preview(minute.plus(Duration.ofHours(hours)), Duration.ofHours(1));
    }

    public Instant warnAt() {
      return deleteAt.minus(warning);
    }
  }

  /**
   * The two images as the pipeline pushed them to the project's repositories (ImageRegistryStack),
   * referenced by digest so a stage runs exactly the bytes that were scanned.
   *
   * @param registryAccount account of the registry stack
   * @param registryRegion region of the registry stack
   * @param serviceDigest {@code sha256:…} of the service image
   * @param jobsDigest {@code sha256:…} of the jobs-runner image
   */
  public record ImageDigests(
      String registryAccount, String registryRegion, String serviceDigest, String jobsDigest) {
    public ImageDigests {
      for (String digest : new String[] {serviceDigest, jobsDigest}) {
        if (digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
          throw new IllegalArgumentException("an image digest must be sha256:<64 hex>: " + digest);
        }
      }
      Objects.requireNonNull(registryAccount, "registryAccount");
      Objects.requireNonNull(registryRegion, "registryRegion");
    }
  }
}
