package com.sandboxbroker.jobs;

import com.sandboxbroker.core.allocation.AllocationPolicy;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Builds the runner's AWS clients: the small url-connection HTTP client (a handful of calls per run
 * need no connection-pooling stack), credentials from the default chain (the ECS task role in AWS),
 * and endpoint overrides for DynamoDB Local and a Step Functions stub in tests.
 */
final class AwsClientFactory {
  /** Any region will do for a local endpoint; the SDK insists on one. */
  private static final Region LOCAL_REGION = Region.US_EAST_1;

  private final Optional<String> region;

  AwsClientFactory(Optional<String> region) {
    this.region = region;
  }

  /**
   * Every call bounded like the service's (AllocationPolicy's store call timeouts): a stalled
   * DynamoDB fails the call in seconds instead of holding the job (and its lock) on a dead socket.
   */
  DynamoDbClient dynamoDb(Optional<URI> endpoint) {
    AllocationPolicy bounds = AllocationPolicy.defaults();
    var b =
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.builder().build())
            .overrideConfiguration(
                o ->
                    o.apiCallTimeout(bounds.storeCallTimeout())
                        .apiCallAttemptTimeout(bounds.storeCallAttemptTimeout()));
    endpoint.ifPresent(b::endpointOverride);
    region(endpoint).ifPresent(b::region);
    return b.build();
  }

  SfnClient stepFunctions(Optional<URI> endpoint) {
    var b = SfnClient.builder().httpClient(UrlConnectionHttpClient.builder().build());
    endpoint.ifPresent(b::endpointOverride);
    region(endpoint).ifPresent(b::region);
    return b.build();
  }

  private Optional<Region> region(Optional<URI> endpoint) {
    if (region.isPresent()) {
      return region.map(Region::of);
    }
    return endpoint.isPresent() ? Optional.of(LOCAL_REGION) : Optional.empty();
  }
}
