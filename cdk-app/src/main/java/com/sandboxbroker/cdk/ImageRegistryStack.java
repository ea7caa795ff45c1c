package com.sandboxbroker.cdk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ecr.LifecycleRule;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.ecr.TagStatus;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.constructs.Construct;

/**
 * The project's image repositories, in their own stack in dev's account: the pipeline pushes each
 * image once, tagged with the commit, and every stage pulls it by digest (test and prod across
 * accounts, granted here). Scan on push is the pipeline's gate; tags are immutable so a tag always
 * names the bytes that were scanned; lifecycle rules bound the storage.
 */
public final class ImageRegistryStack extends Stack {
  public static final String STACK_NAME = "SandboxBroker-Registry";

  /** Untagged layers (an interrupted push) are garbage after a day. */
  public static final int UNTAGGED_DAYS = 1;

  /** Fifty commits' images: weeks of main-branch history to roll back to. */
  public static final int KEEP_IMAGES = 50;

  private final Map<String, Repository> repositories = new LinkedHashMap<>();

  public ImageRegistryStack(
      Construct scope, Environment env, String owner, List<String> pullAccounts) {
    super(
        scope,
        STACK_NAME,
        StackProps.builder().env(env).description("Sandbox Broker image repositories").build());
    Tags.of(this).add("project", "sandbox-broker");
    Tags.of(this).add("owner", owner);
    for (String target :
        List.of(SandboxBrokerStack.SERVICE_IMAGE_TARGET, SandboxBrokerStack.JOBS_IMAGE_TARGET)) {
      Repository repository =
          Repository.Builder.create(this, "Repository-" + target)
              .repositoryName(repositoryName(target))
              .imageScanOnPush(true)
              .imageTagMutability(TagMutability.IMMUTABLE)
              .lifecycleRules(
                  List.of(
                      LifecycleRule.builder()
                          .rulePriority(1)
                          .description("untagged images after " + UNTAGGED_DAYS + " day")
                          .tagStatus(TagStatus.UNTAGGED)
                          .maxImageAge(Duration.days(UNTAGGED_DAYS))
                          .build(),
                      LifecycleRule.builder()
                          .rulePriority(2)
                          .description("keep the newest " + KEEP_IMAGES + " images")
                          .tagStatus(TagStatus.ANY)
                          .maxImageCount(KEEP_IMAGES)
                          .build()))
              // images running in a stage must outlive a mistaken stack deletion
              .removalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
              .build();
      for (String account : pullAccounts) {
        if (!account.equals(getAccount())) {
          repository.grantPull(new AccountPrincipal(account));
        }
      }
      repositories.put(target, repository);
      CfnOutput.Builder.create(this, "RepositoryUri-" + target)
          .value(repository.getRepositoryUri())
          .build();
    }
  }

  /** {@code sandbox-broker/service}, {@code sandbox-broker/jobs-runner}. */
  public static String repositoryName(String target) {
    return "sandbox-broker/" + target;
  }

  public Map<String, Repository> repositories() {
    return Map.copyOf(repositories);
  }
}
