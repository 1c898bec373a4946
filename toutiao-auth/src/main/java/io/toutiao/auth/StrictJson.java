package io.toutiao.auth;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;

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

  private static final JsonMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

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
    JsonNode header = object(token, 0, first, "header");
    if (header.has("zip")) {
      throw new MalformedTokenException(
          "compressed tokens (header 'zip') are refused: inflating them costs memory an attacker"
              + " chooses");
    }
    text(header, "alg", "header member");
    text(header, "kid", "header member");
    JsonNode payload = object(token, first + 1, second, "payload");
    numericDate(payload, "exp", MAX_SECONDS);
    numericDate(payload, "nbf", MAX_SECONDS);
    numericDate(payload, "iat", MAX_SECONDS);
    numericDate(payload, "iat_ms", MAX_SECONDS * 1000 + 999);
    userId(payload, config);
    JsonNode refresh = payload.get(config.refreshClaim());
    if (refresh != null && !refresh.isBoolean()) {
      throw new MalformedTokenException(
          "claim '" + config.refreshClaim() + "' must be a JSON boolean");
    }
    for (String name : new String[] {"jti", "fam", "iss", "sub"}) {
      text(payload, name, "claim");
    }
    JsonNode aud = payload.get("aud");
    if (aud != null && !aud.isTextual() && !(aud.isArray() && allText(aud))) {
      throw new MalformedTokenException("claim 'aud' must be a string or an array of strings");
    }
    JsonNode roles = payload.get("roles");
    if (roles != null && !(roles.isArray() && allText(roles))) {
      throw new MalformedTokenException("claim 'roles' must be an array of strings");
    }
  }

  private static JsonNode object(String token, int from, int to, String name) {
    byte[] bytes = Base64.getUrlDecoder().decode(token.substring(from, to));
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw new MalformedTokenException("the " + name + " of the token is not valid UTF-8");
    }
    JsonNode node;
    try {
      node = STRICT.readTree(bytes);
    } catch (java.io.IOException e) {
      // Jackson's message quotes the input: not passed on.
      throw new MalformedTokenException(
          "the "
              + name
              + " of the token is not exactly one JSON object (bad JSON, a duplicate member or"
              + " something after it)");
    }
    if (node == null || !node.isObject()) {
      throw new MalformedTokenException("the " + name + " of the token is not a JSON object");
    }
    return node;
  }

  private static void numericDate(JsonNode payload, String name, long max) {
    JsonNode value = payload.get(name);
    if (value == null) {
      return;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToLong()
        || value.longValue() < 0
        || value.longValue() > max) {
      throw new MalformedTokenException(
          "claim '" + name + "' must be a JSON integer between 0 and " + max);
    }
  }

  private static void userId(JsonNode payload, TokenConfig config) {
    String name = config.userIdClaim();
    JsonNode value = payload.get(name);
    if (value == null) {
      return;
    }
    if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0) {
      return;
    }
    if (config.userIdAsString() && value.isTextual() && isLong(value.textValue())) {
      return;
    }
    throw new MalformedTokenException(
        "claim '"
            + name
            + "' must be a JSON integer from 0 to "
            + Long.MAX_VALUE
            + (config.userIdAsString() ? " or a string of its decimal digits" : ""));
  }

  private static boolean isLong(String text) {
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

  private static void text(JsonNode node, String name, String what) {
    JsonNode value = node.get(name);
    if (value != null && !value.isTextual()) {
      throw new MalformedTokenException(what + " '" + name + "' must be a JSON string");
    }
  }

  private static boolean allText(JsonNode array) {
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      if (!it.next().isTextual()) {
        return false;
      }
    }
    return true;
  }
}
