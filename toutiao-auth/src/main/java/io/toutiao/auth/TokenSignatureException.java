package io.toutiao.auth;

/**
 * The signature does not verify, the token is unsigned ({@code alg: none}), or its algorithm is not
 * the one bound to the key.
 */
public class TokenSignatureException extends AuthException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, without the token itself
   */
  public TokenSignatureException(String message) {
    super(Reason.BAD_SIGNATURE, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong, without the token itself
   * @param cause the underlying failure
   */
  public TokenSignatureException(String message, Throwable cause) {
    super(Reason.BAD_SIGNATURE, message, cause);
  }
}
