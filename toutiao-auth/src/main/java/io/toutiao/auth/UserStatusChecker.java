package io.toutiao.auth;

/**
 * The host's answer to "may this user still use tokens?", asked on every verification (after the
 * token cache, so keep it fast, e.g. backed by the host's user-status cache). A disabled user's
 * tokens fail with {@link UserDisabledException} (HTTP 403, "User denied.").
 */
@FunctionalInterface
public interface UserStatusChecker {

  /** Every user is enabled. */
  UserStatusChecker ALL_ENABLED = userId -> true;

  /**
   * Tells whether a user is enabled.
   *
   * @param userId the token's user
   * @return false to refuse the token
   */
  boolean isEnabled(long userId);
}
