package io.toutiao.push;

/**
 * Redis could not be reached or refused the command. The event may or may not have been stored:
 * sending it again may deliver it twice, which clients absorb by de-duplicating on the event id.
 */
public class PushUnavailableException extends PushException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the input or the service
   */
  public PushUnavailableException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, naming the input or the service
   * @param cause the underlying failure
   */
  public PushUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
