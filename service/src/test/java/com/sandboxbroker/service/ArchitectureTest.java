package com.sandboxbroker.service;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
        .areAnnotatedWith(jakarta.ws.rs.Path.class)
        .should()
        .haveSimpleNameEndingWith("Resource")
        .check(classes);
    classes()
        .that()
        .implement(jakarta.ws.rs.ext.ExceptionMapper.class)
        .should()
        .haveSimpleNameEndingWith("ExceptionMapper")
        .check(classes);
  }
}
