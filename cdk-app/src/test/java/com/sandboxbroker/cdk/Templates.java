package com.sandboxbroker.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.MatchResult;
import software.amazon.awscdk.assertions.Matcher;
import software.amazon.awscdk.assertions.Template;

/**
 * What the CDK assertions API ({@link Template}, {@link Match}) cannot say in one call, said with
 * it: the template tests query resources through these, never by walking the template's JSON.
 */
final class Templates {
  private Templates() {}

  /**
   * A resource-level pattern ({@code findResources}, {@code getResourceId}, {@code hasResource})
   * whose properties are like the given ones.
   */
  static Map<String, Object> withProperties(Map<String, ?> properties) {
    return Map.of("Properties", Match.objectLike(properties));
  }

  /** A string that contains the text, character for character (a regexp with it escaped). */
  /**
   * Properties whose {@code PolicyDocument} has (among others) a statement like {@code statement}:
   * the shape of every IAM, SNS and SQS policy resource.
   */
  static Matcher policyWithStatement(Map<String, ?> statement) {
    return Match.objectLike(Map.of("PolicyDocument", documentWithStatement(statement)));
  }

  /** A policy document (a role's trust policy, say) with a statement like {@code statement}. */
  static Matcher documentWithStatement(Map<String, ?> statement) {
    return Match.objectLike(
        Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(statement)))));
  }

  /** The service scales on one policy, target tracking on CPU (the one blue/green swaps). */
  static void scalesOnCpuOnly(Template template) {
    template.resourceCountIs("AWS::ApplicationAutoScaling::ScalingPolicy", 1);
    template.hasResourceProperties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        Match.objectLike(
            Map.of(
                "TargetTrackingScalingPolicyConfiguration",
                Match.objectLike(
                    Map.of(
                        "PredefinedMetricSpecification",
                        Match.objectLike(
                            Map.of("PredefinedMetricType", "ECSServiceAverageCPUUtilization")))))));
  }

  static Matcher containing(String text) {
    return Match.stringLikeRegexp(text.replaceAll("[.*+?^${}()|\\[\\]\\\\/]", "\\\\$0"));
  }

  /**
   * The types of the template's resources. The API queries one type at a time; a few rules hold for
   * every resource whatever its type (deletion policies, tags, acknowledgements), so those tests
   * ask type by type over this set.
   */
  @SuppressWarnings("unchecked")
  static Set<String> resourceTypes(Template template) {
    Set<String> types = new TreeSet<>();
    ((Map<String, Map<String, Object>>) template.toJSON().get("Resources"))
        .values()
        .forEach(resource -> types.add((String) resource.get("Type")));
    return types;
  }

  /** Logical ids of the resources, of any type, that match the resource-level pattern. */
  static Set<String> findAnyType(Template template, Object pattern) {
    Set<String> ids = new TreeSet<>();
    for (String type : resourceTypes(template)) {
      ids.addAll(template.findResources(type, pattern).keySet());
    }
    return ids;
  }

  /**
   * Every resource of the type that the selector picks (at least one) also has the expected
   * properties: {@code allResourcesProperties} restricted to a subset.
   */
  static void everySelected(
      Template template, String type, Map<String, ?> selector, Matcher expected) {
    Map<String, Map<String, Object>> selected =
        template.findResources(type, withProperties(selector));
    assertThat(selected).as(type + " like " + selector).isNotEmpty();
    selected.forEach((id, resource) -> assertMatches(id, resource.get("Properties"), expected));
  }

  /**
   * The value (from a {@code Capture} or a found resource) matches, or the API says why not; the
   * pattern's own captures then hold their values.
   */
  static void assertMatches(String what, Object actual, Matcher pattern) {
    MatchResult result = pattern.test(actual);
    if (result.hasFailed()) {
      throw new AssertionError(what + ":\n" + String.join("\n", result.toHumanStrings()));
    }
    result.finished(); // commits the values of any Capture in the pattern
  }

  /** The values that match the pattern (elements of a captured array, found resources). */
  static List<Object> matching(List<Object> values, Matcher pattern) {
    return values.stream().filter(v -> !pattern.test(v).hasFailed()).toList();
  }

  /** A property of a resource returned by {@code findResources}. */
  @SuppressWarnings("unchecked")
  static Object property(Map<String, Object> resource, String name) {
    return ((Map<String, Object>) resource.get("Properties")).get(name);
  }

  /** An entry of an alarm's Metrics whose MetricStat reads a metric like {@code metric}. */
  static Matcher metricLike(Map<String, ?> metric) {
    return Match.objectLike(
        Map.of("MetricStat", Match.objectLike(Map.of("Metric", Match.objectLike(metric)))));
  }

  /** An entry of an alarm's Metrics that reads the named metric, whatever its namespace. */
  static Matcher metricNamed(String metricName) {
    return metricLike(Map.of("MetricName", metricName));
  }

  /** An entry of an alarm's Metrics with this dimension, among others in any order. */
  static Matcher withDimension(String name, Object value) {
    return metricLike(Map.of("Dimensions", Match.arrayWith(List.of(dimension(name, value)))));
  }

  static Map<String, Object> dimension(String name, Object value) {
    return Map.of("Name", name, "Value", value);
  }

  /**
   * Some value matches every pattern: an "all of" for one element of an array, where arrayWith
   * would tie the patterns to the array's order (which a Map.of in the app does not fix).
   */
  static void someMatchesAll(String what, List<Object> values, Matcher... patterns) {
    List<Object> candidates = values;
    for (Matcher pattern : patterns) {
      candidates = matching(candidates, pattern);
    }
    assertThat(candidates).as(what + " in " + values).isNotEmpty();
  }
}
