package io.toutiao.core.id;

/**
 * A worker id held for a window of id timestamps: a generator may issue an id with this worker id
 * only if the id's timestamp {@code t} (milliseconds since 1970, in the generator's clock)
 * satisfies {@code fromMillis <= t < untilMillis}. The check is made on the timestamp written into
 * the id, in the same step that commits it, so a pause anywhere in between cannot let an id escape
 * its window.
 *
 * <p>A {@link LeasedWorkerIdAssigner} hands out windows such that two holders of the same worker id
 * never have overlapping windows; that, and not the wall-clock moment an id is issued, is what
 * makes ids unique across processes.
 *
 * @param workerId the worker id
 * @param fromMillis first allowed timestamp, inclusive ({@link Long#MIN_VALUE} for no lower bound)
 * @param untilMillis end of the window, exclusive
 */
public record WorkerLease(long workerId, long fromMillis, long untilMillis) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException when the worker id is negative
   */
  public WorkerLease {
    if (workerId < 0) {
      throw new IllegalArgumentException("workerId must not be negative, got " + workerId);
    }
  }

  /**
   * Tells whether an id with this timestamp may be issued.
   *
   * @param timestampMillis the id's timestamp
   * @return true inside the window
   */
  public boolean allows(long timestampMillis) {
    return timestampMillis >= fromMillis && timestampMillis < untilMillis;
  }
}
