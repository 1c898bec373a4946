package io.toutiao.core;

/**
 * Base of every failure that crosses a toutiao-kit module's API.
 *
 * <p>Each module defines its own subtype family (for example the cache's, the token service's), so
 * a host application can catch one type per module or this type for all of them. Exceptions are
 * unchecked, carry the underlying cause and never include secrets in their messages.
 */
public class ToutiaoException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that says what failed and, where it helps, what to do.
   *
   * @param message the detail message; must not contain secrets
   */
  public ToutiaoException(String message) {
    super(message);
  }

  /**
   * Creates an exception that wraps the failure that caused it.
   *
   * @param message the detail message; must not contain secrets
   * @param cause the underlying failure, kept for diagnosis
   */
  public ToutiaoException(String message, Throwable cause) {
    super(message, cause);
  }
}
