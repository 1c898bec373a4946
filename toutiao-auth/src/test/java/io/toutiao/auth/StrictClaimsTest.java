package io.toutiao.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Signed tokens whose header or payload is crafted: every JSON type in every claim the library
 * reads, NumericDates and ids of the wrong kind, JSON that is not exactly one object in valid
 * UTF-8, compressed payloads, log-injection in kid and alg, and a mutation fuzz. Each is refused
 * with one of our types, or decodes to exactly the claims of the original.
 */
class StrictClaimsTest {

  static final Instant NOW = Instant.parse("2026-06-01T08:00:00Z");
  static final long EXP = NOW.getEpochSecond() + 600;
  final MutableClock clock = new MutableClock(NOW);
  final byte[] secret = AttackTest.randomSecret();
  final SigningKey key = SigningKey.hmac("h1", TokenAlgorithm.HS256, secret);
  final InMemoryRevocationStore store = new InMemoryRevocationStore(clock);
  final TokenService tokens =
      new TokenService(
          TokenConfig.custom(KeyRing.of(key))
              .clock(clock)
              .clockSkew(Duration.ZERO)
              .revocationStore(store)
              .build());

  static final String HEADER = "{\"alg\":\"HS256\",\"kid\":\"h1\"}";

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  String sign(byte[] header, byte[] payload) {
    String input = b64(header) + "." + b64(payload);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  String sign(String payload) {
    return sign(utf8(HEADER), utf8(payload));
  }

  static String payloadWith(String name, String json) {
    String base = "\"user_id\":7,\"refresh\":false,\"exp\":" + EXP + ",\"iat\":" + (EXP - 1200);
    String[] members = base.split(",");
    StringBuilder out = new StringBuilder("{");
    boolean replaced = false;
    for (String member : members) {
      String memberName = member.substring(1, member.indexOf('"', 1));
      if (out.length() > 1) {
        out.append(',');
      }
      if (memberName.equals(name)) {
        out.append('"').append(name).append("\":").append(json);
        replaced = true;
      } else {
        out.append(member);
      }
    }
    if (!replaced) {
      out.append(",\"").append(name).append("\":").append(json);
    }
    return out.append('}').toString();
  }

  @Test
  void aCraftedTokenOfTheRightShapeIsAccepted() {
    VerifiedToken token = tokens.verifyAccess(sign(payloadWith("jti", "\"id-1\"")));
    assertThat(token.userId()).isEqualTo(7);
    assertThat(token.tokenId()).isEqualTo("id-1");
  }

  @Test
  void everyJsonTypeInEveryClaimReadEndsInOurTypes() {
    List<String> values =
        List.of(
            "null",
            "true",
            "false",
            "0",
            "-1",
            "1.5",
            "1e3",
            "1e400",
            Long.toString(EXP) + ".0",
            "99999999999999999999999",
            "\"\"",
            "\"7\"",
            "\"2026-06-01T09:00:00Z\"",
            "\"x\"",
            "[]",
            "[1]",
            "[\"a\"]",
            "{}",
            "{\"a\":1}");
    List<String> claims =
        List.of(
            "exp", "nbf", "iat", "iat_ms", "user_id", "refresh", "fam", "jti", "roles", "iss",
            "aud", "sub");
    int accepted = 0;
    for (String claim : claims) {
      for (String value : values) {
        String token = sign(payloadWith(claim, value));
        try {
          tokens.verify(token, TokenType.ACCESS);
          accepted++;
        } catch (AuthException expected) {
          assertThat(expected.getMessage()).doesNotContain(token.substring(0, 20));
        } catch (RuntimeException e) {
          throw new AssertionError(claim + "=" + value + " threw " + e, e);
        }
      }
    }
    assertThat(accepted).as("some values are of the right type").isPositive();
  }

  @Test
  void numericDatesAreJsonIntegersInRangeAndExpIsExclusive() {
    for (String exp :
        List.of(
            "\"" + EXP + "\"",
            EXP + ".0",
            EXP + ".5",
            "\"2026-06-01T09:00:00Z\"",
            "18446744073709551616" /* 2^64: would wrap to 0 */,
            "-5")) {
      assertThatThrownBy(() -> tokens.verifyAccess(sign(payloadWith("exp", exp))))
          .as("exp=" + exp)
          .isInstanceOf(MalformedTokenException.class)
          .hasMessageContaining("claim 'exp' must be a JSON integer");
    }
    String atNow = sign(payloadWith("exp", Long.toString(NOW.getEpochSecond())));
    assertThatThrownBy(() -> tokens.verifyAccess(atNow))
        .as("expired on or after exp")
        .isInstanceOf(TokenExpiredException.class);
    String inASecond = sign(payloadWith("exp", Long.toString(NOW.getEpochSecond() + 1)));
    assertThat(tokens.verifyAccess(inASecond).userId()).isEqualTo(7);
  }

  @Test
  void userIdsAreExactLongsUnlessDecimalStringsAreConfigured() {
    assertThatThrownBy(
            () -> tokens.verifyAccess(sign(payloadWith("user_id", "123456789012345678.0"))))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("'user_id'");
    assertThatThrownBy(() -> tokens.verifyAccess(sign(payloadWith("user_id", "\"42\""))))
        .isInstanceOf(MalformedTokenException.class);
    assertThatThrownBy(
            () -> tokens.verifyAccess(sign(payloadWith("user_id", "9223372036854775808"))))
        .isInstanceOf(MalformedTokenException.class);
    assertThat(tokens.verifyAccess(sign(payloadWith("user_id", "123456789012345678"))).userId())
        .isEqualTo(123456789012345678L);

    TokenService strings =
        new TokenService(
            TokenConfig.custom(KeyRing.of(key)).clock(clock).userIdAsString(true).build());
    assertThat(
            strings.verifyAccess(sign(payloadWith("user_id", "\"123456789012345678\""))).userId())
        .isEqualTo(123456789012345678L);
    assertThatThrownBy(() -> strings.verifyAccess(sign(payloadWith("user_id", "\"+42\""))))
        .isInstanceOf(MalformedTokenException.class);
  }

  @Test
  void headerAndPayloadAreExactlyOneJsonObjectInValidUtf8() {
    String good = payloadWith("jti", "\"a\"");
    Map<String, byte[]> payloads =
        Map.of(
            "trailing garbage", utf8(good + "xyz"),
            "a second object", utf8(good + "{\"user_id\":1}"),
            "a duplicate member", utf8(good.replace("{", "{\"user_id\":1,")),
            "an array", utf8("[" + good + "]"),
            "a string", utf8("\"" + EXP + "\""),
            "invalid UTF-8", invalidUtf8(good));
    payloads.forEach(
        (what, payload) ->
            assertThatThrownBy(() -> tokens.verifyAccess(sign(utf8(HEADER), payload)))
                .as(what)
                .isInstanceOf(MalformedTokenException.class)
                .hasMessageContaining("payload"));
    assertThatThrownBy(
            () ->
                tokens.verifyAccess(
                    sign(utf8("{\"alg\":\"HS256\",\"kid\":\"h1\",\"alg\":\"HS256\"}"), utf8(good))))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("header");
  }

  private static byte[] invalidUtf8(String json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = utf8(json.replace("\"a\"", "\"a__\""));
    int at = json.indexOf("\"a\"") + 2;
    bytes[at] = (byte) 0xC3; // a lead byte followed by a quote: malformed
    bytes[at + 1] = (byte) 0x28;
    out.writeBytes(bytes);
    return out.toByteArray();
  }

  @Test
  void theUtf8CheckAgreesWithTheJdkDecoderOnRandomAndEdgeBytes() {
    Random random = new Random(7);
    List<byte[]> samples = new ArrayList<>();
    samples.add(utf8("头条 \uD83D\uDE00 é"));
    samples.add(new byte[] {(byte) 0xC0, (byte) 0x80}); // overlong NUL
    samples.add(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // a surrogate
    samples.add(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}); // > U+10FFFF
    samples.add(new byte[] {(byte) 0xE4, (byte) 0xB8}); // cut short
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[1 + random.nextInt(6)];
      random.nextBytes(bytes);
      samples.add(bytes);
    }
    for (byte[] bytes : samples) {
      boolean jdk;
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes));
        jdk = true;
      } catch (java.nio.charset.CharacterCodingException e) {
        jdk = false;
      }
      assertThat(StrictJson.validUtf8(bytes))
          .as(java.util.HexFormat.of().formatHex(bytes))
          .isEqualTo(jdk);
    }
  }

  @Test
  void compressedTokensAreRefusedBeforeAnythingIsInflated() {
    byte[] json = utf8(payloadWith("pad", "\"" + "a".repeat(200_000) + "\""));
    Deflater deflater = new Deflater();
    deflater.setInput(json);
    deflater.finish();
    byte[] buffer = new byte[json.length];
    int length = deflater.deflate(buffer);
    byte[] deflated = java.util.Arrays.copyOf(buffer, length);
    String token = sign(utf8("{\"alg\":\"HS256\",\"kid\":\"h1\",\"zip\":\"DEF\"}"), deflated);
    assertThat(token.length()).isLessThan(TokenConfig.DEFAULT_MAX_TOKEN_LENGTH);
    assertThatThrownBy(() -> tokens.verifyAccess(token))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("compressed");
  }

  @Test
  void messagesCarryNoTokenTextAndNoControlCharacters() {
    String kid = "evil\r\nINFO forged log line " + "x".repeat(100);
    String token =
        sign(
            utf8("{\"alg\":\"HS256\",\"kid\":\"" + kid.replace("\r\n", "\\r\\n") + "\"}"),
            utf8(payloadWith("jti", "\"a\"")));
    assertThatThrownBy(() -> tokens.verifyAccess(token))
        .isInstanceOf(UnknownKeyException.class)
        .satisfies(
            e -> {
              String message = e.getMessage() + e;
              assertThat(message).doesNotContain("\r").doesNotContain("\n");
              assertThat(message).contains("\\u000d\\u000a").contains("characters)");
              for (String segment : token.split("\\.")) {
                assertThat(message).doesNotContain(segment);
              }
            });
    String notObject = sign(utf8(HEADER), utf8("[1,2]"));
    assertThatThrownBy(() -> tokens.verifyAccess(notObject))
        .isInstanceOf(MalformedTokenException.class)
        .isNotInstanceOf(TokenSignatureException.class);
    assertThatThrownBy(() -> tokens.verifyAccess(sign(payloadWith("fam", "12"))))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("'fam'");
  }

  @Test
  void aTokenWithoutIatCountsAsIssuedAtTheEpochForRevokeAllForUser() {
    String noIat = sign("{\"user_id\":7,\"refresh\":false,\"exp\":" + EXP + "}");
    assertThat(tokens.verifyAccess(noIat).issuedAt()).isNull();
    clock.set(NOW.plusSeconds(1));
    tokens.revokeAllForUser(7);
    assertThatThrownBy(() -> tokens.verifyAccess(noIat)).isInstanceOf(TokenRevokedException.class);
  }

  @Test
  void mutationsAreRefusedWithOurTypesOrDecodeToTheSameClaims() {
    String original = tokens.issue(99, List.of("editor"), Map.of("x", "y")).accessToken();
    Map<String, Object> claims = tokens.verifyAccess(original).claims();
    String[] parts = original.split("\\.");
    Random random = new Random(20261202);
    List<String> mutants = new ArrayList<>();
    String alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/!~.\u0000 ";
    for (int i = 0; i < 3000; i++) {
      char[] chars = original.toCharArray();
      int at = random.nextInt(chars.length);
      switch (i % 6) {
        case 0 -> chars[at] = alphabet.charAt(random.nextInt(alphabet.length()));
        case 1 -> mutants.add(original.substring(0, at) + original.substring(at + 1));
        case 2 ->
            mutants.add(
                original.substring(0, at)
                    + alphabet.charAt(random.nextInt(alphabet.length()))
                    + original.substring(at));
        case 3 -> mutants.add(original + "=".repeat(1 + random.nextInt(3)));
        case 4 ->
            mutants.add(parts[random.nextInt(3)] + "." + parts[random.nextInt(3)] + "." + parts[2]);
        default -> mutants.add(original.replace('-', '+').replace('_', '/'));
      }
      if (i % 6 == 0) {
        mutants.add(new String(chars));
      }
    }
    // JSON variants, validly signed: equal claims in other spellings, or refused
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    mutants.add(sign(utf8(HEADER), utf8(payload.replace(",", " , "))));
    mutants.add(sign(utf8(HEADER), utf8(" " + payload + "\n")));
    mutants.add(sign(utf8(HEADER), utf8(payload + " " + payload)));
    mutants.add(sign(utf8(HEADER), utf8(payload.replace("{", "{\"user_id\":1,"))));
    int accepted = 0;
    mutants.removeIf(original::equals);
    for (String mutant : mutants) {
      try {
        VerifiedToken verified = tokens.verifyAccess(mutant);
        assertThat(verified.claims()).as(mutant).isEqualTo(claims);
        accepted++;
      } catch (AuthException refused) {
        assertThat(refused.getMessage()).doesNotContain(parts[1]).doesNotContain(parts[2]);
      } catch (RuntimeException e) {
        throw new AssertionError("mutant " + mutant + " threw " + e, e);
      }
    }
    assertThat(accepted).as("only the re-signed whitespace variants").isLessThanOrEqualTo(2);
  }
}
