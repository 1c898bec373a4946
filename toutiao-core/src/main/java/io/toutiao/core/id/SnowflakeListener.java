package io.toutiao.core.id;

import java.time.Duration;

/**
 * Receives a {@link SnowflakeIdGenerator}'s events, for logs and metrics. Methods are called on the
 * thread that asked for ids and must be fast and must not throw. All methods default to doing
 * nothing.
 */
public interface SnowflakeListener {

  /** A listener that ignores every event. */
  SnowflakeListener NOOP = new SnowflakeListener() {};

  /**
   * The clock read earlier than the last issued timestamp.
   *
   * @param offset how far behind it was
   * @param waiting true when the generator waits for the clock, false when it fails
   */
  default void onClockBackwards(Duration offset, boolean waiting) {}

  /**
   * All sequence numbers of a tick were used and a caller waited for the next tick.
   *
   * @param waited how long it waited
   */
  default void onSequenceExhausted(Duration waited) {}

  /**
   * Ids were issued.
   *
   * @param count how many, 1 for {@link SnowflakeIdGenerator#nextId()}
   */
  default void onIdsIssued(int count) {}
}
