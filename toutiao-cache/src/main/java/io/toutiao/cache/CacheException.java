package io.toutiao.cache;

import io.toutiao.core.ToutiaoException;

/** Base of the cache's failures: a failed load, an unencodable value, a failed invalidation. */
public class CacheException extends ToutiaoException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, for which cache and key
   */
  public CacheException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, for which cache and key
   * @param cause the underlying failure
   */
  public CacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
