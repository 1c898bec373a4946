package io.toutiao.auth;

import java.time.Instant;

/**
 * Tokens handed to a client after login or refresh.
 *
 * @param accessToken the access token
 * @param accessExpiresAt when it expires
 * @param refreshToken the refresh token, or null when {@link TokenService#refresh(String)} ran
 *     without rotation (the client keeps its refresh token, as in the reference)
 * @param refreshExpiresAt when the refresh token expires, or null with it
 */
public record TokenPair(
    String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt) {

  @Override
  public String toString() {
    return "TokenPair[accessExpiresAt="
        + accessExpiresAt
        + ", refreshExpiresAt="
        + refreshExpiresAt
        + "]";
  }
}
