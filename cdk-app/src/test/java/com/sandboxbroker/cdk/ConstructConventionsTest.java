package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/** Design §7 and §9: one construct per concern with a *Props record; only main reads context. */
class ConstructConventionsTest {
  private static final Path SOURCES =
      SynthesizedBroker.MODULE_DIR.resolve("src/main/java/com/sandboxbroker/cdk");

  private static List<Class<?>> classes() throws IOException {
    try (Stream<Path> files = Files.list(SOURCES)) {
      return files
          .map(f -> f.getFileName().toString().replace(".java", ""))
          .<Class<?>>map(
              name -> {
                try {
                  return Class.forName("com.sandboxbroker.cdk." + name);
                } catch (ClassNotFoundException e) {
                  throw new AssertionError(e);
                }
              })
          .toList();
    }
  }

  @Test
  void everyConstructTakesScopeIdAndItsOwnPropsRecord() throws Exception {
    int constructs = 0;
    for (Class<?> type : classes()) {
      if (!Construct.class.isAssignableFrom(type) || Stack.class.isAssignableFrom(type)) {
        continue;
      }
      constructs++;
      assertThat(Modifier.isFinal(type.getModifiers())).as(type + " is final").isTrue();
      Class<?> props = Class.forName(type.getName() + "Props");
      assertThat(props.isRecord()).as(props + " is a record").isTrue();
      Constructor<?> constructor = type.getConstructor(Construct.class, String.class, props);
      assertThat(constructor).isNotNull();
    }
    assertThat(constructs).isGreaterThanOrEqualTo(10);
  }

  @Test
  void onlyMainReadsContextAndNoCatchAllNames() throws IOException {
    for (Class<?> type : classes()) {
      String source = Files.readString(SOURCES.resolve(type.getSimpleName() + ".java"));
      if (!type.equals(SandboxBrokerApp.class)) {
        assertThat(source)
            .as(type.getSimpleName())
            .doesNotContain("tryGetContext")
            .doesNotContain("System.getenv");
      }
      assertThat(type.getSimpleName())
          .doesNotContainIgnoringCase("util")
          .doesNotContainIgnoringCase("helper")
          .doesNotContain("Manager")
          .doesNotContain("Common");
    }
  }
}
