package com.sandboxbroker.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand (thread-safe), so lease expiry and backoff need no sleeping. */
public final class MutableClock extends Clock {
  private final AtomicLong offsetMillis = new AtomicLong();
  private final Clock base;

  public MutableClock(Clock base) {
    this.base = base;
  }

  public static MutableClock systemUtc() {
    return new MutableClock(Clock.systemUTC());
  }

  public void advance(Duration d) {
    offsetMillis.addAndGet(d.toMillis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return base.millis() + offsetMillis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
