package io.toutiao.auth;

/**
 * The token was revoked: by its id, its refresh-token family, or a revocation of all the user's
 * tokens.
 */
public class TokenRevokedException extends AuthException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, without the token itself
   */
  public TokenRevokedException(String message) {
    super(Reason.REVOKED, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong, without the token itself
   * @param cause the underlying failure
   */
  public TokenRevokedException(String message, Throwable cause) {
    super(Reason.REVOKED, message, cause);
  }
}
