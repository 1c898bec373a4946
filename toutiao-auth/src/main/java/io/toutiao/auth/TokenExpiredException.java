package io.toutiao.auth;

import java.time.Instant;

/** The token's {@code exp} has passed (beyond the allowed clock skew). */
public class TokenExpiredException extends AuthException {

  private static final long serialVersionUID = 1L;

  private final Instant expiredAt;

  /**
   * Creates the exception.
   *
   * @param expiredAt the token's expiry
   * @param cause the underlying failure, or null
   */
  public TokenExpiredException(Instant expiredAt, Throwable cause) {
    super(Reason.EXPIRED, "token expired at " + expiredAt, cause);
    this.expiredAt = expiredAt;
  }

  /**
   * Returns when the token expired.
   *
   * @return the {@code exp} instant
   */
  public Instant expiredAt() {
    return expiredAt;
  }
}
