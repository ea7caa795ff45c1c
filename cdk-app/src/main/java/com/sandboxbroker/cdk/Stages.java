package com.sandboxbroker.cdk;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stages of the one app, typed. {@code -c stage=<name>} picks one; a name not in the map is
 * refused unless it is a preview ({@code -c ephemeralHours=<n>}), which is shaped like dev, runs in
 * dev's account at the smallest size, and deletes itself.
 *
 * <p>The account ids are this repository's placeholders for the three accounts: replace them with
 * the real ones before the first deploy. A wrong account cannot leave anything behind: the CDK CLI
 * compares it with the credentials' account before it creates a change set.
 */
public final class Stages {
  private Stages() {}

  /**
   * dev: the cheapest layout that still runs everything (one task, no NAT gateway); test: the
   * production shape at the lower bound, so a deployment there rehearses prod's; prod: the sizing
   * DEPLOY.md prices (2–6 tasks, one NAT gateway).
   */
  public static final StageSettings DEV =
      new StageSettings(
          "dev",
          "123456789012",
          "eu-west-1",
          new BrokerSettings.ApiSizing(512, 1024, 1, 2, 600, 6000),
          0,
          null,
          null);

  public static final StageSettings TEST =
      new StageSettings(
          "test",
          "210987654321",
          "eu-west-1",
          new BrokerSettings.ApiSizing(512, 1024, 2, 3, 600, 6000),
          1,
          null,
          null);

  public static final StageSettings PROD =
      new StageSettings(
          "prod", "345678901234", "eu-west-1", BrokerSettings.ApiSizing.DEFAULT, 1, null, null);

  /** A preview: one small task, no NAT gateway; previews exist to click through a change. */
  static final BrokerSettings.ApiSizing PREVIEW_SIZING =
      new BrokerSettings.ApiSizing(512, 1024, 1, 1, 600, 6000);

  public static final Map<String, StageSettings> ALL = byName(DEV, TEST, PROD);

  /**
   * The stage for a name. A preview is refused a name of the map (a TTL on prod would delete prod);
   * a non-preview is refused a name outside it (a typo must not create a fourth environment).
   */
  public static StageSettings resolve(String name, boolean preview) {
    StageSettings known = ALL.get(name);
    if (preview) {
      if (known != null) {
        throw new IllegalArgumentException(
            "stage "
                + name
                + " is a long-lived stage; a preview (-c ephemeralHours) needs another name, e.g. pr42");
      }
      return new StageSettings(
          name,
          DEV.account(),
          DEV.region(),
          PREVIEW_SIZING,
          0,
          DEV.domain() == null ? null : DEV.domain().withHostLabel(name),
          null);
    }
    if (known == null) {
      throw new IllegalArgumentException(
          "unknown stage '"
              + name
              + "': one of "
              + ALL.keySet()
              + ", or a preview with -c ephemeralHours=<n>");
    }
    return known;
  }

  private static Map<String, StageSettings> byName(StageSettings... stages) {
    Map<String, StageSettings> map = new LinkedHashMap<>();
    for (StageSettings s : stages) {
      map.put(s.name(), s);
    }
    return Collections.unmodifiableMap(map);
  }
}
