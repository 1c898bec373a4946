package io.toutiao.auth;

/**
 * The token is not a well-formed compact JWS, is longer than allowed, or lacks a required claim.
 */
public class MalformedTokenException extends AuthException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, without the token itself
   */
  public MalformedTokenException(String message) {
    super(Reason.MALFORMED, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong, without the token itself
   * @param cause the underlying failure
   */
  public MalformedTokenException(String message, Throwable cause) {
    super(Reason.MALFORMED, message, cause);
  }
}
