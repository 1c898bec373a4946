package io.toutiao.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A token that passed every check, with typed access to its claims. Immutable.
 *
 * @param type access or refresh
 * @param userId the {@code user_id} claim, or -1 when the token has none (only possible when the
 *     config does not require it)
 * @param tokenId the {@code jti}, or null
 * @param familyId the refresh-token family ({@code fam}), or null
 * @param keyId the {@code kid} of the key that signed it, or null
 * @param issuedAt {@code iat} (millisecond precision for our tokens), or null
 * @param expiresAt {@code exp}
 * @param roles the {@code roles} claim, empty when absent
 * @param claims every claim, as parsed
 */
public record VerifiedToken(
    TokenType type,
    long userId,
    String tokenId,
    String familyId,
    String keyId,
    Instant issuedAt,
    Instant expiresAt,
    List<String> roles,
    Map<String, Object> claims) {

  /**
   * Returns a claim converted to the given type.
   *
   * @param name the claim name
   * @param type e.g. {@code String.class}, {@code Long.class}, {@code Boolean.class}
   * @param <T> the type
   * @return the value, or empty when absent
   * @throws ClassCastException when the claim has another type
   */
  public <T> Optional<T> claim(String name, Class<T> type) {
    Object value = claims.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (type == Long.class && value instanceof Number number) {
      return Optional.of(type.cast(number.longValue()));
    }
    return Optional.of(type.cast(value));
  }

  /**
   * Tells whether the token carries a role.
   *
   * @param role e.g. {@code admin}
   * @return true when present
   */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  @Override
  public String toString() {
    return "VerifiedToken[type="
        + type
        + ", userId="
        + userId
        + ", tokenId="
        + tokenId
        + ", keyId="
        + keyId
        + ", expiresAt="
        + expiresAt
        + ", roles="
        + roles
        + "]";
  }
}
