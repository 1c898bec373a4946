package io.toutiao.storage;

import io.toutiao.core.ToutiaoException;

/** Base of the storage module's failures. */
public class StorageException extends ToutiaoException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   */
  public StorageException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed
   * @param cause the underlying failure
   */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
