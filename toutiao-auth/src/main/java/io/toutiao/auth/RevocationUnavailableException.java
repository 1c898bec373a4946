package io.toutiao.auth;

/**
 * The revocation store could not be asked whether a token is revoked, so the token is refused (fail
 * closed; HTTP 503 suggested).
 */
public class RevocationUnavailableException extends AuthException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the store's failure
   */
  public RevocationUnavailableException(String message, Throwable cause) {
    super(Reason.REVOCATION_UNAVAILABLE, message, cause);
  }
}
