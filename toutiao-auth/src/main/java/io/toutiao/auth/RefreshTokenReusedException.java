package io.toutiao.auth;

/**
 * A rotated refresh token was presented a second time: someone else may hold a copy, so its whole
 * family (every refresh token descended from the same login) has been revoked.
 */
public class RefreshTokenReusedException extends TokenRevokedException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   */
  public RefreshTokenReusedException(String message) {
    super(message);
  }
}
