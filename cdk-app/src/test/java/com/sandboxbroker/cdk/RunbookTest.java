package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runbooks against what is deployed and what is served: every alarm of the synthesized
 * template has its page, every page keeps the front matter and the four sections, and every admin
 * API call a page makes is a route of the OpenAPI document the running service publishes.
 *
 * <p>It lives in cdk-app because the template is synthesized here in-process (as every other
 * template test does); the OpenAPI document comes from the service's shaded jar, started as its
 * own process in local mode, so no service class or dependency shares this classpath with CDK's.
 */
class RunbookTest {
  private static final RunbookAudit AUDIT = new RunbookAudit(SynthesizedBroker.REPO_ROOT.resolve("runbooks"));
  private static RunningService service;

  @BeforeAll
  static void startService() {
    service = RunningService.start(SynthesizedBroker.REPO_ROOT, SynthesizedBroker.MODULE_DIR.resolve("target"));
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void everyAlarmOfTheTemplateHasItsRunbookPage() {
    JsonNode template = SynthesizedBroker.get().json;
    assertThat(RunbookAudit.alarms(template)).isNotEmpty();
    assertThat(AUDIT.alarmsWithoutPage(template)).isEmpty();
  }

  @Test
  void everyPageHasItsFrontMatterAndTheFourSections() {
    assertThat(AUDIT.pages()).isNotEmpty();
    assertThat(AUDIT.structure()).isEmpty();
  }

  @Test
  void everyAdminCallInAPageIsARouteOfTheServedOpenApiDocument() {
    JsonNode openApi = service.getJson("/v1/openapi.json");
    var calls = AUDIT.apiCalls();
    assertThat(calls).extracting(RunbookAudit.ApiCall::path).contains("/admin/stats", "/admin/jobs");
    assertThat(RunbookAudit.unknownRoutes(calls, openApi, "/v1")).isEmpty();
  }

}
