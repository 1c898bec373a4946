package io.toutiao.auth;

/**
 * The user-status hook reports the token's user as disabled (HTTP 403, the reference's "User
 * denied.").
 */
public class UserDisabledException extends AuthException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, without the token itself
   */
  public UserDisabledException(String message) {
    super(Reason.USER_DISABLED, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong, without the token itself
   * @param cause the underlying failure
   */
  public UserDisabledException(String message, Throwable cause) {
    super(Reason.USER_DISABLED, message, cause);
  }
}
