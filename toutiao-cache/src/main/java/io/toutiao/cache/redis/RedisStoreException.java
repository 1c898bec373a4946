package io.toutiao.cache.redis;

import io.toutiao.cache.CacheException;

/**
 * Redis, used as a store (counters, histories, leases, jobs), failed or was unreachable. Unlike the
 * cache, stores never hide a failure: no silent 0, no lost increment.
 */
public class RedisStoreException extends CacheException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, on which key
   * @param cause the Redis client's failure
   */
  public RedisStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
