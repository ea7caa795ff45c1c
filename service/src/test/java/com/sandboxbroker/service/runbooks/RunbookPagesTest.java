package com.sandboxbroker.service.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The repository's runbooks keep their front matter and sections (no template or app needed). */
class RunbookPagesTest {
  private static final RunbookAudit AUDIT = new RunbookAudit(Path.of("../runbooks"));

  @Test
  void everyPageHasFrontMatterAndTheFourSections() {
    assertThat(AUDIT.pages()).hasSizeGreaterThanOrEqualTo(7);
    assertThat(AUDIT.structure()).isEmpty();
  }

  @Test
  void pagesCallTheAdminApi() {
    assertThat(AUDIT.apiCalls()).extracting(RunbookAudit.ApiCall::path).contains("/admin/stats", "/admin/jobs");
  }
}
