package io.toutiao.auth;

/** No key in the key ring has the token's {@code kid}: it was removed, or the token is foreign. */
public class UnknownKeyException extends AuthException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, without the token itself
   */
  public UnknownKeyException(String message) {
    super(Reason.UNKNOWN_KEY, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong, without the token itself
   * @param cause the underlying failure
   */
  public UnknownKeyException(String message, Throwable cause) {
    super(Reason.UNKNOWN_KEY, message, cause);
  }
}
