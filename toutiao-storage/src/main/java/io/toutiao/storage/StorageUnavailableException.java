package io.toutiao.storage;

/**
 * The store could not be written or read (disk, network, the remote service). The reference answers
 * a failed upload with HTTP 507.
 */
public class StorageUnavailableException extends StorageException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying failure
   */
  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
