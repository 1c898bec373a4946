package io.toutiao.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * Where revocations live, consulted on every verification. Implementations must be thread-safe;
 * shared stores (Redis) make a revocation effective on every instance. {@link
 * InMemoryRevocationStore} serves one process; {@code io.toutiao.auth.redis.RedisRevocationStore}
 * serves a fleet.
 */
public interface RevocationStore {

  /**
   * Revokes an id (a token's {@code jti}, or a refresh-token family) until the given instant, after
   * which the token has expired anyway and the entry may be forgotten.
   *
   * @param id the id
   * @param until when the entry may be dropped
   */
  void revoke(String id, Instant until);

  /**
   * Tells whether an id is revoked.
   *
   * @param id the id
   * @return true when revoked
   */
  boolean isRevoked(String id);

  /**
   * Records the single use of a rotated refresh token, atomically.
   *
   * @param id the refresh token's {@code jti}
   * @param until when the entry may be dropped
   * @return true for the first use, false when it had been used (or revoked) before
   */
  boolean markUsed(String id, Instant until);

  /**
   * Revokes every token of a user issued at or before {@code before} (logout everywhere, password
   * change). Keeps the latest instant when called again with an earlier one.
   *
   * @param userId the user
   * @param before tokens issued at or before this instant are refused
   * @param until when the entry may be dropped (the longest token lifetime from now)
   */
  void revokeUser(long userId, Instant before, Instant until);

  /**
   * Returns the instant before which the user's tokens are revoked.
   *
   * @param userId the user
   * @return the instant, or empty when none
   */
  Optional<Instant> userRevokedBefore(long userId);
}
