package io.toutiao.core.id;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A millisecond clock that is read from memory instead of the operating system: one daemon thread
 * per JVM refreshes it about every half millisecond, so a reading can be up to about a millisecond
 * behind {@link System#currentTimeMillis()} (more if the thread is starved of CPU).
 *
 * <p>Reading the system clock costs about 25-30 ns on virtual machines whose clock source is not
 * the TSC (kvm-clock, xen), which then dominates {@link SnowflakeIdGenerator#nextId()}. With {@code
 * SnowflakeConfig.custom().clock(CoarseClock.shared())} an id costs a few nanoseconds plus the
 * compare-and-set. Uniqueness and ordering do not depend on the clock's precision; only the
 * timestamps inside ids become coarser. Clock steps back are seen as with the system clock.
 *
 * <p>Thread-safe.
 */
public final class CoarseClock implements InstantSource {

  private static final long REFRESH_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
  private static volatile CoarseClock shared;

  private volatile long millis = System.currentTimeMillis();

  private CoarseClock() {}

  /**
   * Returns the JVM-wide instance, starting its refresh thread on first use.
   *
   * @return the shared clock
   */
  public static CoarseClock shared() {
    CoarseClock clock = shared;
    if (clock == null) {
      synchronized (CoarseClock.class) {
        clock = shared;
        if (clock == null) {
          clock = new CoarseClock();
          Thread refresher = new Thread(clock::refreshForever, "toutiao-coarse-clock");
          refresher.setDaemon(true);
          refresher.start();
          shared = clock;
        }
      }
    }
    return clock;
  }

  private void refreshForever() {
    while (true) {
      millis = System.currentTimeMillis();
      LockSupport.parkNanos(REFRESH_NANOS);
    }
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public String toString() {
    return "CoarseClock[" + instant() + "]";
  }
}
