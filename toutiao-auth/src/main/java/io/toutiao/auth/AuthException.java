package io.toutiao.auth;

import io.toutiao.core.ToutiaoException;

/**
 * A token was refused or could not be issued. Catch this type to map every auth failure to an HTTP
 * status in one place: {@link #httpStatus()} suggests 401 (not authenticated) or 403 (authenticated
 * but refused), and {@link #reason()} says why in a machine-readable way. Messages never contain
 * the token or any key.
 */
public class AuthException extends ToutiaoException {

  private static final long serialVersionUID = 1L;

  /** Why a token was refused. */
  public enum Reason {
    /** The token's {@code exp} has passed. */
    EXPIRED,
    /** The signature does not verify, or the algorithm is not the key's. */
    BAD_SIGNATURE,
    /** Not a compact JWS, bad encoding, too long, or a required claim is missing. */
    MALFORMED,
    /** A refresh token where an access token was expected, or the reverse. */
    WRONG_TOKEN_TYPE,
    /** Revoked by id, by family, or by a user-wide revocation. */
    REVOKED,
    /** The token's {@code nbf} or {@code iat} is in the future. */
    NOT_YET_VALID,
    /** {@code iss} or {@code aud} does not match the configuration. */
    CLAIM_MISMATCH,
    /** No key in the key ring has the token's {@code kid}. */
    UNKNOWN_KEY,
    /** The user-status hook says the user is disabled. */
    USER_DISABLED,
    /** The revocation store could not be asked; the token is refused (fail closed). */
    REVOCATION_UNAVAILABLE
  }

  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason why
   * @param message what was wrong, without the token itself
   */
  public AuthException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * Creates the exception with a cause.
   *
   * @param reason why
   * @param message what was wrong, without the token itself
   * @param cause the underlying failure
   */
  public AuthException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * Returns why the token was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * Suggests an HTTP status: 403 for a wrong token type (the reference's "Do not use refresh
   * token.") and a disabled user ("User denied."), 503 when revocations cannot be checked, 401
   * otherwise.
   *
   * @return 401, 403 or 503
   */
  public int httpStatus() {
    return switch (reason) {
      case WRONG_TOKEN_TYPE, USER_DISABLED -> 403;
      case REVOCATION_UNAVAILABLE -> 503;
      default -> 401;
    };
  }
}
