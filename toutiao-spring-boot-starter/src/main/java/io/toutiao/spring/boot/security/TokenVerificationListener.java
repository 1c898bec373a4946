package io.toutiao.spring.boot.security;

import io.toutiao.auth.AuthException;

/**
 * Told of every bearer token the filter verified (metrics, audit). Must be fast, must not throw.
 */
public interface TokenVerificationListener {

  /** Accepted. */
  default void onAccepted() {}

  /**
   * Refused.
   *
   * @param reason why
   */
  default void onRejected(AuthException.Reason reason) {}

  /** Nothing. */
  TokenVerificationListener NONE = new TokenVerificationListener() {};
}
