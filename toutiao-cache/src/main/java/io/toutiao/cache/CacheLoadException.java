package io.toutiao.cache;

/**
 * The host's loader failed (its exception is the cause) or could not be called in time. Failed
 * loads are never cached: the next read tries again.
 */
public class CacheLoadException extends CacheException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the loader's exception, or null
   */
  public CacheLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
