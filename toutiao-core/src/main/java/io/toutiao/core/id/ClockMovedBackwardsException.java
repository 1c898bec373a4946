package io.toutiao.core.id;

import java.time.Duration;

/**
 * The clock reads earlier than the timestamp of an id already issued (or reserved before a restart)
 * by more than the generator may wait. No id was issued.
 */
public class ClockMovedBackwardsException extends IdGenerationException {

  private static final long serialVersionUID = 1L;

  private final Duration offset;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do
   * @param offset how far the clock is behind
   */
  public ClockMovedBackwardsException(String message, Duration offset) {
    super(message);
    this.offset = offset;
  }

  /**
   * Returns how far the clock was behind the last issued timestamp.
   *
   * @return a positive duration
   */
  public Duration offset() {
    return offset;
  }
}
