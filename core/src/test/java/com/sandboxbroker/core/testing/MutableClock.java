package com.sandboxbroker.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock tests move by hand, to cross lease expiries, backoff delays and in-flight windows without
 * sleeping. Either frozen at a start instant, or following the system clock plus the advances
 * ({@link #systemUtc()}) for tests that also wait for real time. Thread-safe.
 */
public final class MutableClock extends Clock {
  private final Clock base;
  private final AtomicLong offsetMillis = new AtomicLong();

  public MutableClock(Instant start) {
    this(Clock.fixed(start, ZoneOffset.UTC));
  }

  private MutableClock(Clock base) {
    this.base = base;
  }

  /** Follows the system clock, plus whatever the test advanced it by. */
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
