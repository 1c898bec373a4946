package io.toutiao.core.id;

/**
 * A {@link WorkerIdAssigner} whose worker id is leased for windows of time and may be lost and
 * re-acquired (possibly as another worker id) while the generator runs, e.g. toutiao-cache's {@code
 * RedisWorkerIdAssigner}.
 *
 * <p>A {@link SnowflakeIdGenerator} built with one reads {@link #currentLease()} for every id and
 * issues the id only if its timestamp lies in the lease's window; otherwise it throws {@link
 * WorkerIdUnavailableException} (retryable) and issues nothing. Implementations must guarantee that
 * windows of the same worker id given to different holders never overlap.
 */
public interface LeasedWorkerIdAssigner extends WorkerIdAssigner {

  /**
   * Returns the lease held now. Called for every id: must be cheap (a volatile read).
   *
   * @return the lease, or null while none is held
   */
  WorkerLease currentLease();

  /**
   * Tells whether a lease is held whose window has not ended by {@code nowMillis}.
   *
   * @return true while ids can be issued now
   */
  @Override
  default boolean isHeld() {
    WorkerLease lease = currentLease();
    return lease != null && System.currentTimeMillis() < lease.untilMillis();
  }
}
