package io.toutiao.cache;

/**
 * Receives a cache's rare events, for logs and metrics. Methods must be fast and must not throw;
 * all default to doing nothing.
 */
public interface CacheListener {

  /** A listener that ignores every event. */
  CacheListener NOOP = new CacheListener() {};

  /**
   * Redis failed repeatedly; reads now go L1 to loader (with the loader concurrency limit).
   *
   * @param cache the cache name
   * @param cause the last failure
   */
  default void onCircuitOpened(String cache, Throwable cause) {}

  /**
   * Redis answered again; reads use it again.
   *
   * @param cache the cache name
   */
  default void onCircuitClosed(String cache) {}

  /**
   * The invalidation subscription was (re)established and L1 was cleared.
   *
   * @param cache the cache name
   */
  default void onL1Resync(String cache) {}
}
