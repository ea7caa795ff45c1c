package com.sandboxbroker.core.contract;

import java.util.Arrays;
import java.util.Optional;

/** The background jobs, by the names used on the command line, in the API and in AWS resources. */
public enum JobName {
  SYNC("sync"),
  CLEANUP("cleanup"),
  EXPIRY("expiry");

  private final String wireName;

  JobName(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<JobName> fromWireName(String name) {
    return Arrays.stream(values()).filter(j -> j.wireName.equals(name)).findFirst();
  }
}
