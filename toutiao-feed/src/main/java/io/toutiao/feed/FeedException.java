package io.toutiao.feed;

import io.toutiao.core.ToutiaoException;

/** Base type of the feed module's errors. */
public class FeedException extends ToutiaoException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, for whom
   */
  public FeedException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, for whom
   * @param cause the underlying failure
   */
  public FeedException(String message, Throwable cause) {
    super(message, cause);
  }
}
