package io.toutiao.auth;

/** A refresh token was used where an access token is expected, or the reverse (HTTP 403). */
public class WrongTokenTypeException extends AuthException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, without the token itself
   */
  public WrongTokenTypeException(String message) {
    super(Reason.WRONG_TOKEN_TYPE, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong, without the token itself
   * @param cause the underlying failure
   */
  public WrongTokenTypeException(String message, Throwable cause) {
    super(Reason.WRONG_TOKEN_TYPE, message, cause);
  }
}
