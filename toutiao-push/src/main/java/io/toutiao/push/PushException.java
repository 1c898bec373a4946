package io.toutiao.push;

import io.toutiao.core.ToutiaoException;

/** Base type of the push module's errors. */
public class PushException extends ToutiaoException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the input or the service
   */
  public PushException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, naming the input or the service
   * @param cause the underlying failure
   */
  public PushException(String message, Throwable cause) {
    super(message, cause);
  }
}
