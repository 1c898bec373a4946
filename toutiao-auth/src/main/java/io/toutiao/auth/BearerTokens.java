package io.toutiao.auth;

import java.util.Optional;

/** Reads tokens from HTTP {@code Authorization} headers. */
public final class BearerTokens {

  private BearerTokens() {}

  /**
   * Extracts the token from an {@code Authorization: Bearer <token>} header value. The scheme is
   * case-insensitive and surrounding spaces are ignored. A missing, empty or other-scheme header
   * means anonymous, as in the reference: the result is empty and no exception is thrown.
   *
   * @param headerValue the header value, may be null
   * @return the token, or empty for anonymous
   */
  public static Optional<String> extract(String headerValue) {
    if (headerValue == null) {
      return Optional.empty();
    }
    String value = headerValue.strip();
    if (value.length() <= 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = value.substring(7).strip();
    if (token.isEmpty() || token.indexOf(' ') >= 0) {
      return Optional.empty();
    }
    return Optional.of(token);
  }
}
