package com.sandboxbroker.core.architecture;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The seams of core's storage adapter. A sandbox item changes only through {@code SandboxUpdate}
 * (conditions, one version bump, the event marker, the audit entry) and is created only by {@code
 * SandboxInsert}; the other items of the table (leases, pools, jobs, tokens) each have one writer,
 * and none of those may address a sandbox item.
 */
class ArchitectureTest {
  private static final String ADAPTER = "com.sandboxbroker.core.store.dynamodb.";
  private static final String SANDBOX_UPDATE = ADAPTER + "SandboxUpdate";
  private static final String SANDBOX_INSERT = ADAPTER + "SandboxInsert";

  /** The writers of items other than sandboxes, one per kind of item. */
  private static final String[] OTHER_ITEM_WRITERS = {
    ADAPTER + "Leases",
    ADAPTER + "PoolRegistry",
    ADAPTER + "DynamoDbPoolStore",
    ADAPTER + "DynamoDbJobStore",
    ADAPTER + "DynamoDbTokenStore",
  };

  private static JavaClasses core;

  @BeforeAll
  static void importClasses() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.sandboxbroker.core");
  }

  /** A call of one of DynamoDB's write operations. */
  private static final DescribedPredicate<JavaCall<?>> WRITE_CALL =
      target(owner(JavaClass.Predicates.assignableTo(DynamoDbClient.class)))
          .and(
              target(
                  nameMatching(
                      "updateItem|putItem|deleteItem|transactWriteItems|batchWriteItem"
                          + "|executeStatement|executeTransaction|batchExecuteStatement")))
          .as("a DynamoDB write");

  /** Who may write to the table at all: the sandbox seams and the one writer of each other kind. */
  static ArchRule onlyTheNamedWritersWriteTheTable() {
    return noClasses()
        .that()
        .resideInAPackage("com.sandboxbroker.core..")
        .and()
        .doNotHaveFullyQualifiedName(SANDBOX_UPDATE)
        .and()
        .doNotHaveFullyQualifiedName(SANDBOX_INSERT)
        .and(notOneOf(OTHER_ITEM_WRITERS))
        .should()
        .callCodeUnitWhere(WRITE_CALL)
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(
            UpdateItemRequest.class,
            PutItemRequest.class,
            DeleteItemRequest.class,
            BatchWriteItemRequest.class,
            TransactWriteItem.class,
            Update.class,
            Put.class,
            Delete.class)
        .because(
            "a sandbox item changes only through SandboxUpdate and is created only by"
                + " SandboxInsert; every other item kind has one writer");
  }

  /** The writers of other items never address a sandbox item (its key, or a change of one). */
  static ArchRule otherWritersNeverAddressSandboxItems() {
    return noClasses()
        .that(oneOf(OTHER_ITEM_WRITERS))
        .should()
        .callMethod(ADAPTER + "Items", "sandboxKey", String.class.getName())
        .orShould()
        .callMethod(ADAPTER + "SandboxUpdate", "of", String.class.getName())
        .because("their writes skip the sandbox item's conditions, version and event marker");
  }

  @Test
  void onlyTheUpdateBuilderAndTheInsertWriteSandboxItems() {
    onlyTheNamedWritersWriteTheTable().check(core);
    otherWritersNeverAddressSandboxItems().check(core);
  }

  /** The rules are no rules if they cannot fail: a writer of its own is caught. */
  @Test
  void aSandboxWriteOutsideTheBuilderIsCaught() {
    JavaClasses rogue = new ClassFileImporter().importClasses(RogueSandboxWriter.class);
    assertThatThrownBy(() -> onlyTheNamedWritersWriteTheTable().check(rogue))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("RogueSandboxWriter");
  }

  private static DescribedPredicate<JavaClass> oneOf(String... names) {
    return DescribedPredicate.describe(
        "one of the other item writers", c -> Arrays.asList(names).contains(c.getName()));
  }

  private static DescribedPredicate<JavaClass> notOneOf(String... names) {
    return DescribedPredicate.not(oneOf(names));
  }
}
