package io.toutiao.cache;

/** A value could not be encoded for Redis (thrown by {@code put}) or decoded from it. */
public class CacheCodecException extends CacheException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be encoded or decoded
   * @param cause the codec's failure
   */
  public CacheCodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
