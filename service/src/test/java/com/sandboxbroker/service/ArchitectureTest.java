package com.sandboxbroker.service;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.errors.ErrorWriter;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The style rules of design §9 that a reviewer would otherwise have to catch by eye. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.sandboxbroker");
  }

  @Test
  void coreIsFrameworkFree() {
    noClasses()
        .that()
        .resideInAPackage("com.sandboxbroker.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.dropwizard..",
            "jakarta.ws.rs..",
            "org.glassfish.jersey..",
            "com.fasterxml.jackson.annotation..",
            "com.fasterxml.jackson.databind.annotation..",
            "com.sandboxbroker.service..")
        .check(classes);
  }

  @Test
  void domainRecordsKnowNothingOfStorageOrWire() {
    noClasses()
        .that()
        .resideInAPackage("com.sandboxbroker.core.sandbox..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "software.amazon..", "com.fasterxml..", "com.sandboxbroker.core.store..")
        .check(classes);
  }

  @Test
  void storageMappingStaysInsideTheAdapter() {
    classes()
        .that()
        .resideInAPackage("com.sandboxbroker.core.store.dynamodb..")
        .and()
        .haveNameNotMatching(".*\\.(DynamoDb[A-Za-z]*Store|SandboxTable)")
        .should()
        .notBePublic()
        .check(classes);
  }

  @Test
  void noGrabBagNames() {
    noClasses()
        .should()
        .haveSimpleNameEndingWith("Util")
        .orShould()
        .haveSimpleNameEndingWith("Utils")
        .orShould()
        .haveSimpleNameEndingWith("Helper")
        .orShould()
        .haveSimpleNameEndingWith("Helpers")
        .orShould()
        .haveSimpleNameEndingWith("Manager")
        .check(classes);
  }

  @Test
  void resourcesAndMappersFollowTheVocabulary() {
    classes()
        .that()
        .areAnnotatedWith(Path.class)
        .should()
        .haveSimpleNameEndingWith("Resource")
        .check(classes);
    classes()
        .that()
        .implement(ExceptionMapper.class)
        .should()
        .haveSimpleNameEndingWith("ExceptionMapper")
        .check(classes);
  }

  /**
   * One writer of the error body: mappers, filters, servlets and Jetty's error handlers all go
   * through {@link ErrorWriter}, so the contract's error shape is rendered in one place.
   */
  @Test
  void onlyTheErrorWriterRendersErrorBodies() {
    noClasses()
        .that()
        .doNotBelongToAnyOf(ErrorWriter.class, ErrorResponse.class)
        .should()
        .callConstructor(ErrorResponse.class, ErrorResponse.Detail.class)
        .orShould()
        .callConstructorWhere(target(owner(assignableTo(ErrorResponse.Detail.class))))
        .because("the error body is rendered by ErrorWriter alone")
        .check(classes);
  }
}
