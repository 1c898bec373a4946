package io.toutiao.auth;

/** The token's issuer or audience is not the configured one. */
public class ClaimMismatchException extends AuthException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, without the token itself
   */
  public ClaimMismatchException(String message) {
    super(Reason.CLAIM_MISMATCH, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong, without the token itself
   * @param cause the underlying failure
   */
  public ClaimMismatchException(String message, Throwable cause) {
    super(Reason.CLAIM_MISMATCH, message, cause);
  }
}
