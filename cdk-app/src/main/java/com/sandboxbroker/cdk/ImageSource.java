package com.sandboxbroker.cdk;

import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.RepositoryAttributes;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.constructs.Construct;

/**
 * Where a stage's two images come from. The pipeline builds each image once, pushes it to the
 * project's repository (ImageRegistryStack) and deploys every stage with its digest ({@code -c
 * serviceImageDigest=sha256:… -c jobsImageDigest=sha256:…}), so dev, test and prod run the same
 * scanned bytes. Without digests the images are CDK assets built from the Dockerfile on the
 * deploying machine: the workstation path.
 */
final class ImageSource {
  private ImageSource() {}

  static ContainerImage image(Construct scope, BrokerSettings settings, String target) {
    DeliverySettings.ImageDigests digests = settings.delivery().images();
    if (digests == null) {
      return ContainerImage.fromAsset(settings.repoRoot().toString(), assetProps(target));
    }
    String name = ImageRegistryStack.repositoryName(target);
    IRepository repository =
        Repository.fromRepositoryAttributes(
            scope,
            "Repository-" + target,
            RepositoryAttributes.builder()
                .repositoryName(name)
                .repositoryArn(
                    "arn:aws:ecr:"
                        + digests.registryRegion()
                        + ":"
                        + digests.registryAccount()
                        + ":repository/"
                        + name)
                .build());
    // fromEcrRepository also grants the execution role the pull on exactly this repository
    return ContainerImage.fromEcrRepository(
        repository,
        target.equals(SandboxBrokerStack.SERVICE_IMAGE_TARGET)
            ? digests.serviceDigest()
            : digests.jobsDigest());
  }

  /**
   * Both images come from the root Dockerfile, one target each, built for ARM64 (the task
   * definitions' architecture). The context is the repository root, narrowed by its .dockerignore
   * allow-list, which CDK also applies to the asset's fingerprint.
   */
  static AssetImageProps assetProps(String target) {
    return AssetImageProps.builder()
        .file("Dockerfile")
        .target(target)
        .platform(Platform.LINUX_ARM64)
        .build();
  }
}
