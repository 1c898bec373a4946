package io.toutiao.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.util.Base64;

/**
 * The strict reading of a token's header and payload, before jjwt parses them: each is exactly one
 * JSON object in valid UTF-8, with no duplicate member and nothing after it; the header asks for no
 * compression; every claim the library reads has its one JSON type (NumericDates and ids are JSON
 * integers in range). jjwt is lenient on all of these (it replaces bad UTF-8, converts strings and
 * floats to dates and ids, inflates {@code zip} payloads). Messages name the claim and the rule,
 * never the token's text.
 */
final class StrictJson {

  /** 9999-12-31T23:59:59Z: the largest NumericDate accepted. */
  private static final long MAX_SECONDS = 253_402_300_799L;

  private static final JsonFactory STRICT =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * The last header segment that passed: tokens of one issuer share their header (alg and kid), so
   * it is read once, not per token. Only headers that passed are stored.
   */
  private static volatile String lastGoodHeader = "";

  private StrictJson() {}

  /**
   * Checks a token already known to be three canonical base64url segments.
   *
   * @param token the token
   * @param config the configuration (claim names, string ids)
   * @throws MalformedTokenException naming the first rule broken
   */
  static void check(String token, TokenConfig config) {
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    String known = lastGoodHeader;
    if (known.length() != first || !token.startsWith(known)) {
      read(token, 0, first, "header", config);
      lastGoodHeader = token.substring(0, first);
    }
    read(token, first + 1, second, "payload", config);
  }

  private static void read(String token, int from, int to, String name, TokenConfig config) {
    byte[] bytes = Base64.getUrlDecoder().decode(token.substring(from, to));
    if (!validUtf8(bytes)) {
      throw new MalformedTokenException("the " + name + " of the token is not valid UTF-8");
    }
    boolean header = name.equals("header");
    try (JsonParser parser = STRICT.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedTokenException("the " + name + " of the token is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String member = parser.currentName();
        JsonToken value = parser.nextToken();
        if (header) {
          checkHeader(member, value);
        } else {
          checkClaim(member, value, parser, config);
        }
        parser.skipChildren();
      }
      if (parser.nextToken() != null) {
        throw new MalformedTokenException(
            "the " + name + " of the token has something after its JSON object");
      }
    } catch (java.io.IOException e) {
      // Jackson's message quotes the input: not passed on.
      throw new MalformedTokenException(
          "the "
              + name
              + " of the token is not exactly one JSON object (bad JSON, a duplicate member or"
              + " something after it)");
    }
  }

  private static void checkHeader(String member, JsonToken value) {
    switch (member) {
      case "zip" ->
          throw new MalformedTokenException(
              "compressed tokens (header 'zip') are refused: inflating them costs memory an"
                  + " attacker chooses");
      case "alg", "kid" -> requireText(value, "header member", member);
      default -> {
        // other header members are jjwt's to judge (crit, typ, ...)
      }
    }
  }

  private static void checkClaim(
      String member, JsonToken value, JsonParser parser, TokenConfig config)
      throws java.io.IOException {
    switch (member) {
      case "exp", "nbf", "iat" -> numericDate(member, value, parser, MAX_SECONDS);
      case "iat_ms" -> numericDate(member, value, parser, MAX_SECONDS * 1000 + 999);
      case "jti", "fam", "iss", "sub" -> requireText(value, "claim", member);
      case "aud" -> {
        if (value != JsonToken.VALUE_STRING
            && !(value == JsonToken.START_ARRAY && strings(parser))) {
          throw new MalformedTokenException("claim 'aud' must be a string or an array of strings");
        }
      }
      case "roles" -> {
        if (!(value == JsonToken.START_ARRAY && strings(parser))) {
          throw new MalformedTokenException("claim 'roles' must be an array of strings");
        }
      }
      default -> {
        if (member.equals(config.userIdClaim())) {
          userId(member, value, parser, config);
        } else if (member.equals(config.refreshClaim())
            && value != JsonToken.VALUE_TRUE
            && value != JsonToken.VALUE_FALSE) {
          throw new MalformedTokenException("claim '" + member + "' must be a JSON boolean");
        }
      }
    }
  }

  /** A JSON integer that fits a long (no float, no string, no big integer). */
  private static boolean isLong(JsonToken value, JsonParser parser) throws java.io.IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      return false;
    }
    JsonParser.NumberType type = parser.getNumberType();
    return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
  }

  private static void numericDate(String name, JsonToken value, JsonParser parser, long max)
      throws java.io.IOException {
    if (!isLong(value, parser) || parser.getLongValue() < 0 || parser.getLongValue() > max) {
      throw new MalformedTokenException(
          "claim '" + name + "' must be a JSON integer between 0 and " + max);
    }
  }

  private static void userId(String name, JsonToken value, JsonParser parser, TokenConfig config)
      throws java.io.IOException {
    if (isLong(value, parser) && parser.getLongValue() >= 0) {
      return;
    }
    if (config.userIdAsString()
        && value == JsonToken.VALUE_STRING
        && isDecimalLong(parser.getText())) {
      return;
    }
    throw new MalformedTokenException(
        "claim '"
            + name
            + "' must be a JSON integer from 0 to "
            + Long.MAX_VALUE
            + (config.userIdAsString() ? " or a string of its decimal digits" : ""));
  }

  private static boolean isDecimalLong(String text) {
    if (text.isEmpty() || text.length() > 19) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    try {
      Long.parseLong(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void requireText(JsonToken value, String what, String name) {
    if (value != JsonToken.VALUE_STRING) {
      throw new MalformedTokenException(what + " '" + name + "' must be a JSON string");
    }
  }

  /** Reads an array that has just started; true when every element is a string. */
  private static boolean strings(JsonParser parser) throws java.io.IOException {
    JsonToken element;
    while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (element != JsonToken.VALUE_STRING) {
        return false;
      }
    }
    return true;
  }

  /**
   * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF, no cut
   * sequences.
   */
  static boolean validUtf8(byte[] bytes) {
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xff;
      if (b < 0x80) {
        i++;
        continue;
      }
      int extra;
      int min;
      if (b >= 0xc2 && b <= 0xdf) {
        extra = 1;
        min = 0x80;
      } else if (b >= 0xe0 && b <= 0xef) {
        extra = 2;
        min = 0x800;
      } else if (b >= 0xf0 && b <= 0xf4) {
        extra = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + extra >= bytes.length) {
        return false;
      }
      int code = b & (0x3f >> extra);
      for (int k = 1; k <= extra; k++) {
        int next = bytes[i + k] & 0xff;
        if ((next & 0xc0) != 0x80) {
          return false;
        }
        code = (code << 6) | (next & 0x3f);
      }
      if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return false;
      }
      i += extra + 1;
    }
    return true;
  }
}
