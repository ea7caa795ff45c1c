package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.contract.JobName;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each synthesized definition is valid ASL according to asl-validator (npm). */
class AslValidationTest {
  @ParameterizedTest
  @EnumSource(JobName.class)
  void definitionPassesAslValidator(JobName job) {
    Path asl = SynthesizedBroker.get().writeDefinition(job);
    NodeTool validator =
        NodeTool.run(
            Map.of(),
            "node_modules/asl-validator/dist/bin/asl-validator.js",
            "--json-path",
            asl.toString());
    assertThat(validator.exitCode()).as(validator.stdout() + validator.stderr()).isZero();
    assertThat(validator.stdout()).contains("valid");
  }
}
