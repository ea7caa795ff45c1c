package com.sandboxbroker.service.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sandboxbroker.core.tenant.Tenant;
import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /v1/admin/tokens}, validated field by field so that every refusal is a
 * {@code 400 INVALID_TOKEN_SPEC} naming the field (contract §6). Values are never echoed back: an
 * operator may paste a secret into the wrong field. Only {@code tenant} is required; JSON {@code
 * null} counts as absent.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(
    description =
        "Only `tenant` is required; an absent (or null) policy field takes the service's configured default.")
public record IssueTokenRequest(
    @Schema(
            description = "[a-z0-9-]{1,64}",
            requiredMode = Schema.RequiredMode.REQUIRED,
            example = "adventure")
        String tenant,
    @Schema(
            description = "Label for logs and audit trails, up to 128 characters",
            example = "adventure-2026-11")
        String name,
    @Schema(
            description = "Up to 20 sandbox-name prefixes, each up to 256 characters",
            example = "[\"lab-adventure-\"]")
        List<String> allowedPrefixes,
    @Schema(
            description =
                "Must start with one of allowed_prefixes; required when there are several, defaults to the only one",
            example = "lab-adventure-")
        String defaultPrefix,
    @Schema(description = "Lab label, up to 256 characters", example = "adventure") String lab,
    @Schema(description = "1–720", example = "8") Integer leaseHours,
    @Schema(description = "1–720, not below lease_hours", example = "24") Integer maxLeaseHours,
    @Schema(description = "1–100", example = "1") Integer identityCap,
    @Schema(
            description = "Epoch seconds, in the future and within 10 years",
            example = "1767225600")
        Long expiresAt) {

  static final int MAX_NAME = 128;
  static final int MAX_PREFIXES = 20;

  /** The longest X-Sandbox-Name-Prefix or X-Instruqt-Track-ID a track may send (contract §1). */
  static final int MAX_LABEL = 256;

  /** A month: a lease beyond it is a typo, not a lab. */
  static final int MAX_HOURS = 720;

  /** The configuration's own bound for the identity cap. */
  static final int MAX_CAP = 100;

  /** Ten years; also catches an expiry given in milliseconds. */
  static final long MAX_EXPIRY_SECONDS = 10L * 366 * 24 * 3600;

  /** The body limit of this one route (every other POST takes no body). */
  public static final long MAX_BODY_BYTES = 16 * 1024;

  private static final Set<String> FIELDS =
      Set.of(
          "tenant",
          "name",
          "allowed_prefixes",
          "default_prefix",
          "lab",
          "lease_hours",
          "max_lease_hours",
          "identity_cap",
          "expires_at");
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Parses and validates a request body; {@code now} bounds {@code expires_at}. */
  public static IssueTokenRequest parse(String body, long now) {
    JsonNode root;
    try {
      root = body == null || body.isBlank() ? null : STRICT.readTree(body);
    } catch (JsonParseException e) {
      String duplicate = duplicateField(e.getOriginalMessage());
      throw invalid(
          duplicate != null ? duplicate + " is given twice" : "the body is not valid JSON");
    } catch (IOException e) {
      throw invalid("the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw invalid("the body must be a JSON object with at least \"tenant\"");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw invalid("unknown field " + printable(field));
      }
    }
    String tenant = text(root, "tenant", 64);
    if (tenant == null) {
      throw invalid("tenant is required");
    }
    if (!Tenant.isValidName(tenant)) {
      throw invalid("tenant must be 1–64 characters of a-z, 0-9 and -");
    }
    String name = text(root, "name", MAX_NAME);
    List<String> prefixes = prefixes(root);
    String defaultPrefix = text(root, "default_prefix", MAX_LABEL);
    if (defaultPrefix != null
        && !prefixes.isEmpty()
        && prefixes.stream().noneMatch(defaultPrefix::startsWith)) {
      throw invalid("default_prefix must start with one of allowed_prefixes");
    }
    if (defaultPrefix == null && prefixes.size() > 1) {
      throw invalid("default_prefix is required when allowed_prefixes has several entries");
    }
    if (defaultPrefix == null && prefixes.size() == 1) {
      defaultPrefix = prefixes.get(0);
    }
    String lab = text(root, "lab", MAX_LABEL);
    Integer leaseHours = integer(root, "lease_hours", 1, MAX_HOURS);
    Integer maxLeaseHours = integer(root, "max_lease_hours", 1, MAX_HOURS);
    if (leaseHours != null && maxLeaseHours != null && maxLeaseHours < leaseHours) {
      throw invalid("max_lease_hours must not be below lease_hours");
    }
    Integer identityCap = integer(root, "identity_cap", 1, MAX_CAP);
    Long expiresAt = epoch(root, "expires_at", now);
    return new IssueTokenRequest(
        tenant,
        name,
        prefixes,
        defaultPrefix,
        lab,
        leaseHours,
        maxLeaseHours,
        identityCap,
        expiresAt);
  }

  private static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_TOKEN_SPEC, message);
  }

  private static JsonNode present(JsonNode root, String field) {
    JsonNode v = root.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private static String text(JsonNode root, String field, int max) {
    JsonNode v = present(root, field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw invalid(field + " must be a string");
    }
    String s = v.textValue();
    if (s.isEmpty() || s.length() > max || s.chars().anyMatch(Character::isISOControl)) {
      throw invalid(field + " must be 1–" + max + " characters without control characters");
    }
    return s;
  }

  private static List<String> prefixes(JsonNode root) {
    JsonNode v = present(root, "allowed_prefixes");
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw invalid("allowed_prefixes must be an array of strings");
    }
    if (v.size() > MAX_PREFIXES) {
      throw invalid("allowed_prefixes may hold at most " + MAX_PREFIXES + " entries");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode p : v) {
      if (!p.isTextual()) {
        throw invalid("allowed_prefixes must be an array of strings");
      }
      String s = p.textValue();
      if (s.isEmpty() || s.length() > MAX_LABEL || s.chars().anyMatch(Character::isISOControl)) {
        throw invalid(
            "allowed_prefixes entries must be 1–"
                + MAX_LABEL
                + " characters without control characters");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  private static Integer integer(JsonNode root, String field, int min, int max) {
    JsonNode v = present(root, field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
      throw invalid(field + " must be an integer from " + min + " to " + max);
    }
    return v.intValue();
  }

  private static Long epoch(JsonNode root, String field, long now) {
    JsonNode v = present(root, field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber()
        || !v.canConvertToLong()
        || v.longValue() <= now
        || v.longValue() > now + MAX_EXPIRY_SECONDS) {
      throw invalid(
          field + " must be an integer of epoch seconds in the future and within 10 years");
    }
    return v.longValue();
  }

  /** A field name the caller sent, safe to put into a message. */
  private static String printable(String field) {
    String cut = field.length() > 64 ? field.substring(0, 64) + "…" : field;
    return "\"" + cut.replaceAll("[^A-Za-z0-9_.\\-]", "?") + "\"";
  }

  private static String duplicateField(String message) {
    var m = Pattern.compile("Duplicate field '([^']*)'").matcher(message == null ? "" : message);
    return m.find() ? printable(m.group(1)) : null;
  }
}
