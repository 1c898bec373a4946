package io.toutiao.storage;

/**
 * A key the store cannot use, for a reason the caller controls: malformed, too long, clashing with
 * an existing object or folder, or resolving outside the store. A client error (HTTP 400), never
 * {@link StorageUnavailableException}.
 */
public class ObjectKeyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong with the key
   */
  public ObjectKeyException(String message) {
    super(message);
  }
}
