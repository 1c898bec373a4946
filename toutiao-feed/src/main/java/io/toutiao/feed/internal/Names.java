package io.toutiao.feed.internal;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one rule for names inside tracks (algorithm names, key ids): 1 to 64 of {@code
 * [A-Za-z0-9_.:-]}.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private Names() {}

  /**
   * Whether a string follows the rule.
   *
   * @param value the string
   * @return true if it is 1 to 64 of {@code [A-Za-z0-9_.:-]}
   */
  public static boolean isValid(String value) {
    return NAME.matcher(value).matches();
  }

  /**
   * Checks a setting against the rule.
   *
   * @param what the setting's name, for the message
   * @param value the value
   * @return the value
   * @throws NullPointerException if value is null
   * @throws IllegalArgumentException naming the setting and the value otherwise
   */
  public static String check(String what, String value) {
    Objects.requireNonNull(value, what + " must not be null");
    if (!isValid(value)) {
      throw new IllegalArgumentException(
          what + " must be 1 to 64 of [A-Za-z0-9_.:-], got \"" + value + "\"");
    }
    return value;
  }
}
