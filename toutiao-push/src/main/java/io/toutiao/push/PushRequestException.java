package io.toutiao.push;

/** An argument was refused (user id, room, event name, payload size); the message names which. */
public class PushRequestException extends PushException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the input or the service
   */
  public PushRequestException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, naming the input or the service
   * @param cause the underlying failure
   */
  public PushRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
