package io.toutiao.core.id;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests set by hand. */
final class FakeClock implements InstantSource {
  private final AtomicLong millis;

  FakeClock(long millis) {
    this.millis = new AtomicLong(millis);
  }

  static FakeClock at(Instant instant) {
    return new FakeClock(instant.toEpochMilli());
  }

  void set(long newMillis) {
    millis.set(newMillis);
  }

  void advance(long delta) {
    millis.addAndGet(delta);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }
}
