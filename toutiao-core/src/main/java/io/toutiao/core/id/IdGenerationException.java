package io.toutiao.core.id;

import io.toutiao.core.ToutiaoException;

/** An id could not be issued (clock trouble, exhausted layout, unreadable high-water mark). */
public class IdGenerationException extends ToutiaoException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   */
  public IdGenerationException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public IdGenerationException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Tells whether the same call may succeed later without any change (a lease being re-acquired),
   * as opposed to a fault that needs fixing (an exhausted layout, a clock far behind).
   *
   * @return false unless a subtype says otherwise
   */
  public boolean isRetryable() {
    return false;
  }
}
