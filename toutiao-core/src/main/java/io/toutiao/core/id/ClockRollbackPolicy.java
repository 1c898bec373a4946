package io.toutiao.core.id;

/** What a {@link SnowflakeIdGenerator} does when the clock reads earlier than its last id. */
public enum ClockRollbackPolicy {
  /**
   * Throw {@link ClockMovedBackwardsException} at once, stating the offset (the reference's
   * behaviour).
   */
  FAIL,
  /**
   * Wait for the clock to catch up when it is behind by at most the configured tolerance, then go
   * on; beyond the tolerance throw {@link ClockMovedBackwardsException}. The default.
   */
  WAIT
}
