package io.toutiao.auth;

/**
 * The one accepted spelling of a compact JWS: three non-empty segments of canonical base64url (RFC
 * 7515 section 2: the URL-safe alphabet, no padding, no other characters, unused trailing bits
 * zero), checked before anything is decoded. jjwt's decoder is lenient (it skips padding and junk
 * characters), which would give one token unlimited accepted spellings: each a new cache entry and
 * a way around a deny list of exact strings. Messages name the segment and position, never the
 * token's text.
 */
final class CompactTokens {

  private static final String[] SEGMENTS = {"header", "payload", "signature"};
  private static final int[] VALUES = new int[128];

  static {
    java.util.Arrays.fill(VALUES, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUES[alphabet.charAt(i)] = i;
    }
  }

  private CompactTokens() {}

  /**
   * Checks the spelling.
   *
   * @param token the compact token
   * @throws MalformedTokenException naming the first rule broken
   */
  static void requireCanonical(String token) {
    int segment = 0;
    int start = 0;
    for (int i = 0; i <= token.length(); i++) {
      if (i == token.length() || token.charAt(i) == '.') {
        if (segment > 2) {
          throw new MalformedTokenException(
              "token has more than 3 segments; a signed token (JWS) has exactly 3");
        }
        checkSegment(token, start, i, segment);
        segment++;
        start = i + 1;
      } else {
        char c = token.charAt(i);
        if (c >= 128 || VALUES[c] < 0) {
          throw new MalformedTokenException(
              "the "
                  + SEGMENTS[Math.min(segment, 2)]
                  + " of the token has a character outside base64url at position "
                  + i
                  + (c == '=' ? " (padding is not allowed)" : ""));
        }
      }
    }
    if (segment != 3) {
      throw new MalformedTokenException(
          "token has " + segment + " segment(s); a signed token (JWS) has exactly 3");
    }
  }

  private static void checkSegment(String token, int from, int to, int segment) {
    int length = to - from;
    String name = SEGMENTS[segment];
    if (length == 0 && segment == 2) {
      throw new TokenSignatureException(
          "the token has no signature; only signed tokens (JWS) are accepted");
    }
    if (length == 0) {
      throw new MalformedTokenException("the " + name + " of the token is empty");
    }
    int last = VALUES[token.charAt(to - 1)];
    switch (length % 4) {
      case 1 ->
          throw new MalformedTokenException(
              "the " + name + " of the token has an impossible base64url length " + length);
      case 2 -> requireZeroBits(last & 0x0f, name);
      case 3 -> requireZeroBits(last & 0x03, name);
      default -> {
        // whole groups: no unused bits
      }
    }
  }

  private static void requireZeroBits(int unused, String name) {
    if (unused != 0) {
      throw new MalformedTokenException(
          "the " + name + " of the token is not canonical base64url (unused trailing bits set)");
    }
  }
}
