package com.sandboxbroker.service.errors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sandboxbroker.service.docs.OpenApiDocument;
import com.sandboxbroker.service.resources.AdminResource;
import com.sandboxbroker.service.resources.AllocationResource;
import com.sandboxbroker.service.resources.EventFeedResource;
import com.sandboxbroker.service.resources.JobResource;
import com.sandboxbroker.service.resources.LeaseExtensionResource;
import com.sandboxbroker.service.resources.PoolResource;
import com.sandboxbroker.service.resources.TokenResource;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The codes the API documents are the codes {@link ErrorCode} knows: one vocabulary. */
class ErrorCodeCoverageTest {
  /** A code as the descriptions write it: capitals joined by underscores. */
  private static final Pattern CODE = Pattern.compile("\\b[A-Z]+(?:_[A-Z]+)+\\b");

  @Test
  void everyCodeTheOpenApiDocumentNamesIsAnErrorCode() throws Exception {
    JsonNode api =
        new ObjectMapper()
            .readTree(
                OpenApiDocument.json(
                    "/v1",
                    Set.of(
                        AllocationResource.class,
                        AdminResource.class,
                        JobResource.class,
                        TokenResource.class,
                        PoolResource.class,
                        LeaseExtensionResource.class,
                        EventFeedResource.class)));
    Set<String> documented = new TreeSet<>();
    api.path("paths")
        .forEach(
            path ->
                path.forEach(
                    operation ->
                        operation
                            .path("responses")
                            .properties()
                            .forEach(
                                response -> {
                                  if (Integer.parseInt(response.getKey()) >= 400) {
                                    Matcher m =
                                        CODE.matcher(
                                            response.getValue().path("description").asText());
                                    while (m.find()) {
                                      documented.add(m.group());
                                    }
                                  }
                                })));
    Set<String> known =
        Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());

    assertThat(documented).as("codes in the error responses' descriptions").isNotEmpty();
    assertThat(known).containsAll(documented);
  }
}
