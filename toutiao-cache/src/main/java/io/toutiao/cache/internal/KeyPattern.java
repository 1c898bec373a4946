package io.toutiao.cache.internal;

import java.util.Objects;

/**
 * A Redis key pattern with one {@code {}} placeholder, e.g. {@code user:{}:profile}. Not part of
 * the public API; immutable.
 *
 * @param prefix the text before the placeholder
 * @param suffix the text after it
 */
public record KeyPattern(String prefix, String suffix) {

  /**
   * Parses a pattern.
   *
   * @param pattern text containing {@code {}} exactly once
   * @return the pattern
   * @throws IllegalArgumentException when the placeholder is missing or repeated
   */
  public static KeyPattern parse(String pattern) {
    Objects.requireNonNull(pattern, "pattern must not be null");
    int at = pattern.indexOf("{}");
    if (at < 0 || pattern.indexOf("{}", at + 2) >= 0) {
      throw new IllegalArgumentException(
          "key pattern must contain '{}' exactly once, got '" + pattern + "'");
    }
    return new KeyPattern(pattern.substring(0, at), pattern.substring(at + 2));
  }

  /**
   * Fills in the placeholder.
   *
   * @param value the key's string form comes from {@code String.valueOf}
   * @return the Redis key
   */
  public String format(Object value) {
    return prefix + value + suffix;
  }
}
