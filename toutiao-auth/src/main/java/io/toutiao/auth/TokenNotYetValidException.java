package io.toutiao.auth;

/** The token's {@code nbf} (or {@code iat}) lies in the future beyond the allowed clock skew. */
public class TokenNotYetValidException extends AuthException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, without the token itself
   */
  public TokenNotYetValidException(String message) {
    super(Reason.NOT_YET_VALID, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong, without the token itself
   * @param cause the underlying failure
   */
  public TokenNotYetValidException(String message, Throwable cause) {
    super(Reason.NOT_YET_VALID, message, cause);
  }
}
