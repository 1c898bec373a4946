package io.toutiao.core.id;

import java.util.Arrays;
import java.util.Objects;

/**
 * Text forms of ids: decimal, and a compact 11-character URL-safe form whose lexicographic order is
 * the ids' numeric order (so compact ids sort correctly as strings in databases, caches and URLs).
 *
 * <p>The compact alphabet is {@code -0-9A-Z_a-z} in ASCII order, 6 bits per character, most
 * significant first, always 11 characters. Only non-negative ids (all Snowflake ids) are encodable.
 */
public final class IdCodec {

  /** Length of every compact id. */
  public static final int COMPACT_LENGTH = 11;

  private static final char[] ALPHABET =
      "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
  }

  private IdCodec() {}

  /**
   * Encodes an id in the compact form.
   *
   * @param id a non-negative id
   * @return 11 characters from {@code -0-9A-Z_a-z}
   * @throws IllegalArgumentException if {@code id} is negative
   */
  public static String toCompact(long id) {
    if (id < 0) {
      throw new IllegalArgumentException("only non-negative ids have a compact form, got " + id);
    }
    char[] out = new char[COMPACT_LENGTH];
    long rest = id;
    for (int i = COMPACT_LENGTH - 1; i >= 0; i--) {
      out[i] = ALPHABET[(int) (rest & 63)];
      rest >>>= 6;
    }
    return new String(out);
  }

  /**
   * Decodes the compact form.
   *
   * @param text exactly 11 characters from {@code -0-9A-Z_a-z}
   * @return the id
   * @throws IllegalArgumentException naming the input and what is wrong with it
   */
  public static long fromCompact(CharSequence text) {
    Objects.requireNonNull(text, "compact id must not be null");
    if (text.length() != COMPACT_LENGTH) {
      throw new IllegalArgumentException(
          "compact id must be "
              + COMPACT_LENGTH
              + " characters, got "
              + text.length()
              + ": '"
              + quote(text)
              + "'");
    }
    long id = 0;
    for (int i = 0; i < COMPACT_LENGTH; i++) {
      char c = text.charAt(i);
      int value = c < 128 ? VALUES[c] : -1;
      if (value < 0) {
        throw new IllegalArgumentException(
            "compact id '"
                + quote(text)
                + "' has an invalid character at position "
                + i
                + " (allowed: -, 0-9, A-Z, _, a-z)");
      }
      id = (id << 6) | value;
    }
    // 11 characters hold 66 bits; the top 3 plus the sign bit must be zero.
    if (VALUES[text.charAt(0)] > 7) {
      throw new IllegalArgumentException(
          "compact id '"
              + quote(text)
              + "' is beyond the largest id (first character must be one of -0123456)");
    }
    return id;
  }

  /**
   * Encodes an id in decimal, the safe form for JSON clients that round numbers above 2^53.
   *
   * @param id the id
   * @return its decimal digits
   */
  public static String toDecimal(long id) {
    return Long.toString(id);
  }

  /**
   * Decodes a decimal id.
   *
   * @param text 1 to 19 ASCII digits, no sign or spaces
   * @return the id
   * @throws IllegalArgumentException naming the input when it is not a non-negative decimal long
   */
  public static long fromDecimal(CharSequence text) {
    Objects.requireNonNull(text, "decimal id must not be null");
    int length = text.length();
    if (length == 0 || length > 19) {
      throw new IllegalArgumentException(
          "decimal id must have 1 to 19 digits, got '" + quote(text) + "'");
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(
            "decimal id '" + quote(text) + "' has a non-digit at position " + i);
      }
    }
    try {
      return Long.parseLong(text.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "decimal id '" + quote(text) + "' is larger than " + Long.MAX_VALUE, e);
    }
  }

  /** Echoes at most 32 characters of untrusted input, without control characters. */
  private static String quote(CharSequence text) {
    String head = text.length() > 32 ? text.subSequence(0, 32) + "..." : text.toString();
    return head.replaceAll("\\p{Cntrl}", "?");
  }
}
