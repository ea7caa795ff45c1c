package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit itself: each rule reports the defect it exists for (so a green RunbookTest means
 * something).
 */
class RunbookAuditTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GOOD =
      """
      ---
      owner: oncall
      last_reviewed_on: 2026-11-23
      review_in: 90 days   # comment
      ---
      # Title
      ## What it means
      x
      ## Check
      ```bash
      curl -sS -H "Authorization: Bearer $ADMIN_TOKEN" "$BROKER/admin/stats" | jq .
      curl -sS -X POST -H "Authorization: Bearer $ADMIN_TOKEN" \\
        "$BROKER/admin/jobs/cleanup/pause"
      curl -sS -X POST "${BROKER}/admin/sandboxes/$SANDBOX_ID/retry-deletion?x=1"
      curl -sS "$BROKER_HOST/readyz"
      ```
      Open $BROKER/admin/dashboard in a browser.
      ## Act
      y
      ## Escalate
      z
      """;

  @Test
  void aWellFormedPagePasses() {
    assertThat(RunbookAudit.structure("good.md", GOOD)).isEmpty();
  }

  @Test
  void missingFrontMatterOrSectionsAreReported() {
    assertThat(RunbookAudit.structure("bare.md", "# Title\n## What it means\n## Check\n## Act\n"))
        .anyMatch(v -> v.contains("no front matter"))
        .anyMatch(v -> v.contains("lacks owner"))
        .anyMatch(v -> v.contains("'## Escalate'"));
    assertThat(RunbookAudit.structure("x.md", GOOD.replace("owner: oncall\n", "")))
        .containsExactly("x.md: front matter lacks owner");
    assertThat(RunbookAudit.structure("x.md", GOOD.replace("2026-11-23", "last week")))
        .containsExactly("x.md: last_reviewed_on is not an ISO date (yyyy-mm-dd)");
    assertThat(
            RunbookAudit.structure(
                "x.md",
                GOOD.replace("## Check\n", "").replace("## Escalate", "## Escalate\n## Check")))
        .anyMatch(v -> v.contains("out of order"));
  }

  @Test
  void apiCallsAreFoundWithTheirMethods() {
    assertThat(RunbookAudit.apiCalls("p.md", GOOD))
        .extracting(c -> c.method() + " " + c.path())
        .containsExactly(
            "GET /admin/stats",
            "POST /admin/jobs/cleanup/pause",
            "POST /admin/sandboxes/$SANDBOX_ID/retry-deletion");
  }

  @Test
  void aRouteTheOpenApiDocumentLacksIsReported() throws Exception {
    JsonNode openApi =
        JSON.readTree(
            """
            {"openapi": "3.0.1", "paths": {
              "/admin/stats": {"get": {}},
              "/admin/jobs/{job}/pause": {"post": {}},
              "/v1/admin/sandboxes/{id}/retry-deletion": {"post": {}}}}
            """);
    var calls = RunbookAudit.apiCalls("p.md", GOOD);
    assertThat(RunbookAudit.unknownRoutes(calls, openApi, "/v1")).isEmpty();

    var wrong =
        RunbookAudit.apiCalls(
            "p.md",
            """
            curl -X POST "$BROKER/admin/stats"
            curl "$BROKER/admin/jobs/cleanup/pause"
            curl -X POST "$BROKER/admin/sandboxes/$ID/retry-delete"
            curl -X POST "$BROKER/admin/$WHAT/pause"
            """);
    assertThat(RunbookAudit.unknownRoutes(wrong, openApi, "/v1")).hasSize(4);
  }

  @Test
  void anAlarmWithoutAnExistingPageIsReported(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("pool-low.md"), GOOD);
    JsonNode template =
        JSON.readTree(
            """
            {"Resources": {
              "PoolLow": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmDescription": "Pool low. Runbook: runbooks/pool-low.md"}},
              "Joined": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmDescription": {"Fn::Join": ["", ["x ", {"Ref": "T"}, " runbooks/pool-low.md"]]}}},
              "NoPage": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmDescription": "Something broke"}},
              "Missing": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmDescription": "see runbooks/gone.md"}},
              "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}}}
            """);
    List<String> violations = new RunbookAudit(dir).alarmsWithoutPage(template);
    assertThat(violations).hasSize(2);
    assertThat(violations).anyMatch(v -> v.startsWith("alarm NoPage"));
    assertThat(violations).anyMatch(v -> v.startsWith("alarm Missing") && v.contains("gone.md"));
  }
}
